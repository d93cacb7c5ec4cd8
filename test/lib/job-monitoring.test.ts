/**
 * The monitoring the stack deploys: tracing on every function and the API stage, each alarm
 * (metric, threshold, action), the alarm topic, and the dashboard widget by widget per job type.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobMetric, METRICS_NAMESPACE } from '../../lambdas/metric-names';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { loadConfig, type StageConfig } from '../../lib/config';
import {
  DURATION_PERCENTILES,
  JOB_METRIC_GROUP_TITLES,
  THROUGHPUT_METRICS,
} from '../../lib/constructs/job-metric-groups';
import { JobMonitoring } from '../../lib/constructs/job-monitoring';
import { ALARM_THRESHOLD_DEFAULTS } from '../../lib/constructs/monitoring-defaults';
import { createTestApp, createTestStack } from '../support/cdk-app';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;
type Resources = Record<string, { Type: string; Properties?: Json }>;

let stack: AsyncEndpointsStack;
let config: StageConfig;
let template: Template;
let resources: Resources;

beforeAll(() => {
  ({ stack } = createTestStack({ alarmEmail: 'ops@example.com' }));
  config = loadConfig(createTestApp({ alarmEmail: 'ops@example.com' }));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties as Json);
const alarmNamed = (name: string) => {
  const found = alarms().filter((a) => a.AlarmName === name);
  expect(found, name).toHaveLength(1);
  return found[0] as Json;
};
/** The metric an alarm watches (a plain metric or the raw metric under a FILL expression). */
const watched = (alarm: Json) =>
  alarm.MetricName !== undefined
    ? { Namespace: alarm.Namespace, MetricName: alarm.MetricName, Dimensions: alarm.Dimensions }
    : alarm.Metrics.find((m: Json) => m.MetricStat).MetricStat.Metric;
const periodOf = (alarm: Json) =>
  alarm.Period ?? alarm.Metrics.find((m: Json) => m.MetricStat).MetricStat.Period;
const t = ALARM_THRESHOLD_DEFAULTS;

describe('tracing', () => {
  it('is active on every function', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThan(config.jobTypes.length);
    for (const [, fn] of functions) expect(fn.Properties?.TracingConfig).toEqual({ Mode: 'Active' });
  });

  it('lets every function write traces, and nothing more of X-Ray', () => {
    const statements = ofType('AWS::IAM::Policy').flatMap(([, p]) => p.Properties?.PolicyDocument.Statement);
    const xray = statements.filter((s: Json) => [s.Action].flat().some((a: string) => a.startsWith('xray:')));
    for (const s of xray) {
      expect({ ...s, Action: [s.Action].flat().sort() }).toEqual({
        Effect: 'Allow',
        Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
        Resource: '*',
      });
    }
    expect(xray).toHaveLength(ofType('AWS::Lambda::Function').length);
  });

  it('is enabled on the API stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', { TracingEnabled: true });
  });
});

describe('alarms', () => {
  it('are named after the stack and all notify the alarm topic', () => {
    const topic = { Ref: idOf(stack.monitoring.alarmTopic) };
    expect(alarms().length).toBeGreaterThan(0);
    for (const alarm of alarms()) {
      expect(alarm.AlarmName).toMatch(/^AsyncEndpoints-/);
      expect(alarm.AlarmActions).toEqual([topic]);
      expect(alarm.ActionsEnabled).toBe(true);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
      expect(alarm.AlarmDescription.length).toBeGreaterThan(40);
    }
  });

  it('watch each job type: oldest message age vs its expected latency, DLQ depth, processor errors and throttles', () => {
    for (const job of config.jobTypes) {
      const p = stack.processors[job.name];
      if (!p) throw new Error(`no processor for ${job.name}`);
      const queueName = (q: { node: { defaultChild?: unknown } }) => ({
        'Fn::GetAtt': [idOf(q), 'QueueName'],
      });
      const fnName = { Ref: idOf(p.processor.function) };

      const age = alarmNamed(`AsyncEndpoints-${job.name}-Queue-Message-Age-Max-Critical`);
      expect(watched(age)).toEqual({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: queueName(p.queue) }],
      });
      expect([age.Threshold, periodOf(age)]).toEqual([job.maxMessageAgeSeconds, 60]);

      const dlq = alarmNamed(`AsyncEndpoints-${job.name}-DLQ-Queue-Message-Count-Max-Critical`);
      expect(watched(dlq)).toEqual({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: queueName(p.deadLetterQueue) }],
      });
      expect([dlq.Threshold, periodOf(dlq)]).toEqual([t.maxDeadLetterMessages, 60]);

      for (const [name, metric, threshold] of [
        [`AsyncEndpoints-${job.name}-processor-Fault-Count-Critical`, 'Errors', t.maxProcessorErrors],
        [
          `AsyncEndpoints-${job.name}-processor-Throttled-Count-Warning`,
          'Throttles',
          t.maxProcessorThrottles,
        ],
      ] as const) {
        const alarm = alarmNamed(name);
        expect(watched(alarm)).toEqual({
          Namespace: 'AWS/Lambda',
          MetricName: metric,
          Dimensions: [{ Name: 'FunctionName', Value: fnName }],
        });
        expect([alarm.Threshold, periodOf(alarm)]).toEqual([threshold, t.periodMinutes * 60]);
      }
    }
  });

  it('watch API 5XX on the stage', () => {
    const alarm = alarmNamed('AsyncEndpoints-api-Fault-Count-Critical');
    expect(watched(alarm)).toEqual({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Dimensions: [
        { Name: 'ApiName', Value: 'AsyncEndpoints-jobs' },
        { Name: 'Stage', Value: config.apiStageName },
      ],
    });
    expect([alarm.Threshold, periodOf(alarm)]).toEqual([t.maxApi5xxErrors, t.periodMinutes * 60]);
  });

  it('watch read and write throttles of the table and of each index', () => {
    const table = { Ref: idOf(stack.table.table) };
    for (const [suffix, index] of [
      ['', undefined],
      ['-ByOwner', 'ByOwner'],
      ['-Active', 'Active'],
    ] as const) {
      for (const way of ['Read', 'Write'] as const) {
        const alarm = alarmNamed(`AsyncEndpoints-table${suffix}-${way}-Throttled-Events-Warning`);
        expect(watched(alarm)).toEqual({
          Namespace: 'AWS/DynamoDB',
          MetricName: `${way}ThrottleEvents`,
          Dimensions: [
            ...(index ? [{ Name: 'GlobalSecondaryIndexName', Value: index }] : []),
            { Name: 'TableName', Value: table },
          ],
        });
        expect([alarm.Threshold, periodOf(alarm)]).toEqual([t.maxTableThrottledEvents, t.periodMinutes * 60]);
      }
    }
  });

  it('are exactly these: 4 per job type, 1 for the API, 6 for the table and its indexes', () => {
    expect(alarms()).toHaveLength(4 * config.jobTypes.length + 1 + 6);
  });

  it('take their thresholds from props', () => {
    const { stack: host } = createTestStack({});
    expect(host.monitoring.thresholds).toEqual(ALARM_THRESHOLD_DEFAULTS);
    const echo = host.processors.echo;
    if (!echo) throw new Error('no echo processor');
    const thresholds = {
      maxDeadLetterMessages: 5,
      maxProcessorErrors: 3,
      maxApi5xxErrors: 10,
      periodMinutes: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    };
    new JobMonitoring(host, 'Custom', {
      serviceName: 'Custom',
      metricsNamespace: METRICS_NAMESPACE,
      api: host.api.api,
      apiStageName: 'prod',
      table: host.table.table,
      jobTypes: [
        {
          name: 'echo',
          queues: [{ queue: echo.queue, deadLetterQueue: echo.deadLetterQueue, maxMessageAgeSeconds: 120 }],
          processor: echo.processor.function,
        },
      ],
      thresholds,
    });
    const custom = Template.fromStack(host).toJSON().Resources as Resources;
    const named = (name: string) =>
      Object.values(custom).find((r) => r.Properties?.AlarmName === name)?.Properties as Json;
    const expectations: [string, number, number][] = [
      ['Custom-echo-DLQ-Queue-Message-Count-Max-Critical', 5, 60],
      ['Custom-echo-Queue-Message-Age-Max-Critical', 120, 60],
      ['Custom-echo-processor-Fault-Count-Critical', 3, 60],
      ['Custom-api-Fault-Count-Critical', 10, 60],
    ];
    for (const [name, threshold, period] of expectations) {
      const alarm = named(name);
      expect(alarm, name).toBeDefined();
      expect([alarm.Threshold, periodOf(alarm), alarm.EvaluationPeriods, alarm.DatapointsToAlarm]).toEqual([
        threshold,
        period,
        3,
        2,
      ]);
    }
  });
});

describe('a job type with a second queue (e.g. high priority)', () => {
  it('gets the same queue and DLQ alarms and dashboard section for it, named with its label', () => {
    const { stack: host } = createTestStack({});
    const echo = host.processors.echo;
    const sleep = host.processors.sleep;
    if (!echo || !sleep) throw new Error('no processors');
    new JobMonitoring(host, 'TwoQueues', {
      serviceName: 'Two',
      metricsNamespace: METRICS_NAMESPACE,
      api: host.api.api,
      apiStageName: 'prod',
      table: host.table.table,
      jobTypes: [
        {
          name: 'echo',
          queues: [
            { queue: echo.queue, deadLetterQueue: echo.deadLetterQueue, maxMessageAgeSeconds: 900 },
            // Another job type's queues stand in for the priority pair here.
            {
              queue: sleep.queue,
              deadLetterQueue: sleep.deadLetterQueue,
              maxMessageAgeSeconds: 60,
              label: 'high',
            },
          ],
          processor: echo.processor.function,
        },
      ],
    });
    const all = Object.values(Template.fromStack(host).toJSON().Resources as Resources);
    const names = all
      .map((r) => r.Properties?.AlarmName)
      .filter((n): n is string => n?.startsWith('Two-echo'));
    expect(names.sort()).toEqual([
      'Two-echo-DLQ-Queue-Message-Count-Max-Critical',
      'Two-echo-Queue-Message-Age-Max-Critical',
      'Two-echo-high-DLQ-Queue-Message-Count-Max-Critical',
      'Two-echo-high-Queue-Message-Age-Max-Critical',
      'Two-echo-processor-Fault-Count-Critical',
      'Two-echo-processor-Throttled-Count-Warning',
    ]);
    const highAge = all.find(
      (r) => r.Properties?.AlarmName === 'Two-echo-high-Queue-Message-Age-Max-Critical',
    );
    expect(highAge?.Properties?.Threshold).toBe(60);
    const dashboards = all.filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const body = dashboards
      .map((d) => dashboardBody(d.Properties?.DashboardBody))
      .find((b) => b.includes('echo queue (high)'));
    expect(body).toBeDefined();
  });
});

describe('alarm topic', () => {
  it('is encrypted with a key CloudWatch may use, enforces TLS and subscribes the email', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [idOf(stack.monitoring.alarmTopicKey), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
  });

  it('has no subscription without alarmEmail', () => {
    const { stack: bare } = createTestStack({});
    Template.fromStack(bare).resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

interface Widget {
  type: string;
  properties: { title?: string; markdown?: string; metrics?: unknown[][]; annotations?: Json };
}

describe('dashboard', () => {
  let widgets: Widget[];
  beforeAll(() => {
    const dashboards = ofType('AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const props = dashboards[0]?.[1].Properties as Json;
    expect(props.DashboardName).toBe('AsyncEndpoints');
    widgets = JSON.parse(dashboardBody(props.DashboardBody)).widgets;
  });

  /** The widgets under a `# title` header, up to the next one. */
  function section(title: string): Widget[] {
    const start = widgets.findIndex((w) => w.properties.markdown === `# ${title}`);
    expect(start, `section ${title}`).toBeGreaterThanOrEqual(0);
    const next = widgets.findIndex((w, i) => i > start && w.properties.markdown?.startsWith('# '));
    return widgets.slice(start + 1, next === -1 ? undefined : next);
  }
  const graph = (ws: Widget[], title: string, nth = 0) => {
    const found = ws.filter((w) => w.properties.title === title);
    expect(found.length, title).toBeGreaterThan(nth);
    return found[nth] as Widget;
  };
  /** `[namespace, metric name, ...dimension pairs]` and the stat, of each metric of a graph. */
  const metricsOf = (w: Widget) =>
    (w.properties.metrics ?? [])
      .filter((m) => typeof m[0] === 'string')
      .map((m) => {
        const options = (typeof m.at(-1) === 'object' ? m.at(-1) : {}) as Json;
        return {
          id: m.filter((x) => typeof x === 'string').join(' '),
          stat: options.stat,
          label: options.label,
        };
      });

  it('puts the API, the table and one section per job type, in catalog order', () => {
    const headers = widgets
      .filter((w) => w.properties.markdown?.startsWith('# '))
      .map((w) => w.properties.markdown);
    expect(headers).toEqual([
      '# API',
      '# Job table',
      ...config.jobTypes.map((j) => `# Job type \`${j.name}\``),
    ]);
  });

  it('shows API requests, latency and errors with the 5XX alarm line', () => {
    const api = section('API');
    expect(metricsOf(graph(api, 'TPS')).map((m) => m.id)).toContain(
      'AWS/ApiGateway Count ApiName AsyncEndpoints-jobs Stage prod',
    );
    expect(metricsOf(graph(api, 'Latency')).map((m) => m.stat)).toEqual(['p50', 'p90', 'p99']);
    const errors = graph(api, 'Errors');
    expect(metricsOf(errors).map((m) => m.id.split(' ')[1])).toEqual(['4XXError', '5XXError']);
    expect(errors.properties.annotations?.horizontal).toEqual([
      expect.objectContaining({ value: t.maxApi5xxErrors }),
    ]);
  });

  it('shows table and index throttles with their alarm lines', () => {
    const table = section('Job table');
    const throttles = table.filter((w) => w.properties.title === 'Throttles');
    expect(throttles).toHaveLength(3);
    for (const w of throttles) {
      const names = metricsOf(w).map((m) => m.id.split(' ')[1]);
      expect(names).toEqual(expect.arrayContaining(['ReadThrottleEvents', 'WriteThrottleEvents']));
      expect(w.properties.annotations?.horizontal.length).toBeGreaterThan(0);
    }
    const indexed = throttles
      .flatMap((w) => metricsOf(w).map((m) => m.id))
      .filter((id) => id.includes('GlobalSecondaryIndexName'));
    expect(indexed.some((id) => id.includes('ByOwner'))).toBe(true);
    expect(indexed.some((id) => id.includes('Active'))).toBe(true);
  });

  it('shows, per job type, its throughput and its queue wait, processing and end-to-end percentiles', () => {
    for (const job of config.jobTypes) {
      const s = section(`Job type \`${job.name}\``);
      const dims = `JobName ${job.name} service AsyncEndpoints`;
      const throughput = metricsOf(graph(s, JOB_METRIC_GROUP_TITLES.throughput));
      expect(throughput).toEqual(
        THROUGHPUT_METRICS.map(([name, label]) => ({
          id: `${METRICS_NAMESPACE} ${name} ${dims}`,
          stat: 'Sum',
          label,
        })),
      );
      for (const [title, name] of [
        [JOB_METRIC_GROUP_TITLES.queueWait, JobMetric.QueueWaitTime],
        [JOB_METRIC_GROUP_TITLES.processing, JobMetric.ProcessingTime],
        [JOB_METRIC_GROUP_TITLES.endToEnd, JobMetric.EndToEndTime],
      ] as const) {
        expect(metricsOf(graph(s, title))).toEqual(
          DURATION_PERCENTILES.map((p) => ({
            id: `${METRICS_NAMESPACE} ${name} ${dims}`,
            stat: `p${p}`,
            label: `p${p}`,
          })),
        );
      }
    }
  });

  it('shows, per job type, queue depth, oldest age with the alarm line, and DLQ depth with its alarm line', () => {
    for (const job of config.jobTypes) {
      const s = section(`Job type \`${job.name}\``);
      const depth = metricsOf(graph(s, 'Message Count'));
      expect(depth[0]).toMatchObject({ stat: 'Maximum' });
      expect(depth[0]?.id).toMatch(/^AWS\/SQS ApproximateNumberOfMessagesVisible QueueName TOKEN/);
      const age = graph(s, 'Oldest Message Age');
      expect(metricsOf(age)[0]?.id).toMatch(/^AWS\/SQS ApproximateAgeOfOldestMessage QueueName/);
      expect(age.properties.annotations?.horizontal).toEqual([
        expect.objectContaining({ value: job.maxMessageAgeSeconds }),
      ]);
      const dlq = graph(s, 'DLQ: Message Count');
      expect(metricsOf(dlq)[0]?.id).toMatch(/^AWS\/SQS ApproximateNumberOfMessagesVisible QueueName/);
      expect(dlq.properties.annotations?.horizontal).toEqual([
        expect.objectContaining({ value: t.maxDeadLetterMessages }),
      ]);
      // The queue graphs of this section are this job type's queue, not another's.
      const p = stack.processors[job.name];
      const queueToken = JSON.stringify({ 'Fn::GetAtt': [idOf(p?.queue as never), 'QueueName'] }).replace(
        /"/g,
        "'",
      );
      const dlqToken = JSON.stringify({
        'Fn::GetAtt': [idOf(p?.deadLetterQueue as never), 'QueueName'],
      }).replace(/"/g, "'");
      expect(JSON.stringify(age.properties.metrics)).toContain(queueToken);
      expect(JSON.stringify(dlq.properties.metrics)).toContain(dlqToken);
    }
  });

  it('shows, per job type, processor duration, errors, throttles and concurrency with alarm lines', () => {
    for (const job of config.jobTypes) {
      const s = section(`Job type \`${job.name}\``);
      const fnToken = JSON.stringify({
        Ref: idOf(stack.processors[job.name]?.processor.function as never),
      }).replace(/"/g, "'");
      const latency = graph(s, 'Latency');
      expect(metricsOf(latency).map((m) => [m.id.split(' ')[1], m.stat])).toEqual([
        ['Duration', 'p50'],
        ['Duration', 'p90'],
        ['Duration', 'p99'],
      ]);
      expect(JSON.stringify(latency.properties.metrics)).toContain(fnToken);
      const invocations = graph(s, 'Invocations');
      expect(metricsOf(invocations).map((m) => m.id.split(' ')[1])).toEqual(
        expect.arrayContaining(['Invocations', 'Throttles', 'ConcurrentExecutions']),
      );
      expect(invocations.properties.annotations?.horizontal).toEqual([
        expect.objectContaining({ value: t.maxProcessorThrottles }),
      ]);
      const errors = graph(s, 'Errors');
      expect(metricsOf(errors).map((m) => m.id.split(' ')[1])).toEqual(['Errors']);
      expect(errors.properties.annotations?.horizontal).toEqual([
        expect.objectContaining({ value: t.maxProcessorErrors }),
      ]);
      expect(s.some((w) => w.properties.title === 'Iterator')).toBe(false);
    }
  });
});

/** The dashboard body as one string, with every token replaced by its JSON. */
function dashboardBody(body: unknown): string {
  if (typeof body === 'string') return body;
  const [, parts] = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  // Tokens sit inside JSON strings, so stand them in with a quote-free placeholder.
  return parts
    .map((p) => (typeof p === 'string' ? p : `TOKEN_${JSON.stringify(p).replace(/"/g, "'")}`))
    .join('');
}
