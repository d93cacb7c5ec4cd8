/**
 * The monitoring the stack deploys: tracing on every function and the API stage, each alarm
 * (metric, threshold, action) and the alarm topic. The dashboard: job-dashboard.test.ts.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../lambdas/metric-names';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { ConfigError, loadConfig, type StageConfig } from '../../lib/config';
import { JobMonitoring } from '../../lib/constructs/job-monitoring';
import {
  ALARM_THRESHOLD_DEFAULTS,
  SWEEPER_MAX_FAILURES,
  SWEEPER_SILENT_RUNS,
  sweeperSilenceWindowMinutes,
} from '../../lib/constructs/monitoring-defaults';
import { createTestApp, createTestStack } from '../support/cdk-app';
import { dashboardBody } from '../support/dashboard';

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
const SWEEPER_NOT_RUNNING = 'AsyncEndpoints-sweeper-Not-Running-Critical';
/** The API's functions: the monitoring's short name and the stack's field. */
const API_FUNCTIONS = [
  ['submit', 'submitFunction'],
  ['get-job', 'getJobFunction'],
  ['list-jobs', 'listJobsFunction'],
  ['cancel-job', 'cancelJobFunction'],
  ['retry-job', 'retryJobFunction'],
  ['redrive', 'redriveFunction'],
] as const;

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
  it('are named after the stack and notify the alarm topic on ALARM and on OK', () => {
    const topic = { Ref: idOf(stack.monitoring.alarmTopic) };
    expect(alarms().length).toBeGreaterThan(0);
    for (const alarm of alarms()) {
      expect(alarm.AlarmName).toMatch(/^AsyncEndpoints-/);
      expect(alarm.AlarmActions, alarm.AlarmName).toEqual([topic]);
      expect(alarm.OKActions, alarm.AlarmName).toEqual([topic]);
      expect(alarm.ActionsEnabled).toBe(true);
    }
  });

  it('fire above their threshold and treat missing data as fine, except the sweeper not running', () => {
    for (const alarm of alarms().filter((a) => a.AlarmName !== SWEEPER_NOT_RUNNING)) {
      expect(alarm.TreatMissingData, alarm.AlarmName).toBe('notBreaching');
      expect(alarm.ComparisonOperator, alarm.AlarmName).toBe('GreaterThanThreshold');
    }
  });

  it('each say what they mean and what to check', () => {
    for (const alarm of alarms()) {
      expect(alarm.AlarmDescription.length, alarm.AlarmName).toBeGreaterThan(60);
      expect(alarm.AlarmDescription, alarm.AlarmName).toMatch(/\b(check|see|inspect|look|read)\b/i);
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

  it('are exactly these: 4 per job type, 1 for the API stage and 2 per API function, 6 for the table and its indexes, 3 for the sweeper', () => {
    expect(alarms()).toHaveLength(4 * config.jobTypes.length + 1 + 2 * API_FUNCTIONS.length + 6 + 3);
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

/** The errors and throttles alarms of a function, checked against its metric and thresholds. */
function expectFunctionAlarms(
  alarmOf: (name: string) => Json,
  prefix: string,
  fnRef: unknown,
  errors: number,
  throttles: number,
  period: number,
) {
  for (const [name, metric, threshold] of [
    [`${prefix}-Fault-Count-Critical`, 'Errors', errors],
    [`${prefix}-Throttled-Count-Warning`, 'Throttles', throttles],
  ] as const) {
    const alarm = alarmOf(name);
    expect(watched(alarm), name).toEqual({
      Namespace: 'AWS/Lambda',
      MetricName: metric,
      Dimensions: [{ Name: 'FunctionName', Value: fnRef }],
    });
    expect([alarm.Threshold, periodOf(alarm)], name).toEqual([threshold, period]);
  }
}

describe('API function alarms', () => {
  it('watch errors (a 5XX each, the API 5XX threshold) and throttles of every API function', () => {
    for (const [name, field] of API_FUNCTIONS) {
      const fnRef = { Ref: idOf(stack.api[field].function) };
      expectFunctionAlarms(
        alarmNamed,
        `AsyncEndpoints-api-${name}`,
        fnRef,
        t.maxApi5xxErrors,
        t.maxProcessorThrottles,
        t.periodMinutes * 60,
      );
      expect(alarmNamed(`AsyncEndpoints-api-${name}-Fault-Count-Critical`).AlarmDescription).toContain(
        `'${name}'`,
      );
    }
  });

  it("take the profile's thresholds", () => {
    const { stack: large } = createTestStack({ profile: 'large' });
    const largeConfig = loadConfig(createTestApp({ profile: 'large' }));
    const all = Object.values(Template.fromStack(large).toJSON().Resources as Resources);
    const alarmOf = (name: string) => all.find((r) => r.Properties?.AlarmName === name)?.Properties as Json;
    expectFunctionAlarms(
      alarmOf,
      'AsyncEndpoints-api-submit',
      { Ref: large.getLogicalId(large.api.submitFunction.function.node.defaultChild as CfnElement) },
      largeConfig.alarms.api5xxErrors,
      largeConfig.alarms.processorThrottles - 1,
      t.periodMinutes * 60,
    );
    expect(largeConfig.alarms.api5xxErrors).toBeGreaterThan(0);
  });
});

describe('sweeper alarms', () => {
  const fnRef = () => ({ Ref: idOf(stack.sweeper.function.function) });

  it('watch its errors and throttles: any failed or throttled run', () => {
    expectFunctionAlarms(
      alarmNamed,
      'AsyncEndpoints-sweeper',
      fnRef(),
      SWEEPER_MAX_FAILURES,
      SWEEPER_MAX_FAILURES,
      t.periodMinutes * 60,
    );
  });

  it('fire when it did not run: fewer than 1 invocation over 3 intervals, missing data breaching', () => {
    const alarm = alarmNamed(SWEEPER_NOT_RUNNING);
    expect(watched(alarm)).toEqual({
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Dimensions: [{ Name: 'FunctionName', Value: fnRef() }],
    });
    expect(alarm.Metrics[0].MetricStat.Stat).toBe('Sum');
    expect({
      threshold: alarm.Threshold,
      operator: alarm.ComparisonOperator,
      missing: alarm.TreatMissingData,
      period: periodOf(alarm),
      evaluationPeriods: alarm.EvaluationPeriods,
      datapointsToAlarm: alarm.DatapointsToAlarm,
    }).toEqual({
      threshold: 1,
      operator: 'LessThanThreshold',
      missing: 'breaching',
      period: SWEEPER_SILENT_RUNS * config.sweeper.intervalMinutes * 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
    });
    expect(alarm.AlarmDescription).toContain('EventBridge rule');
  });

  it("derive the window from sweeper.intervalMinutes, capped at CloudWatch's one day", () => {
    for (const [intervalMinutes, windowSeconds] of [
      [10, 1800],
      [600, 86_400],
    ] as const) {
      const { stack: host } = createTestStack({ sweeper: { intervalMinutes } });
      const alarm = Object.values(Template.fromStack(host).toJSON().Resources as Resources).find(
        (r) => r.Properties?.AlarmName === SWEEPER_NOT_RUNNING,
      )?.Properties as Json;
      expect(periodOf(alarm), `every ${intervalMinutes} min`).toBe(windowSeconds);
    }
    expect(sweeperSilenceWindowMinutes(720)).toBe(1440);
  });

  it('refuse an interval whose two runs do not fit in one day, naming the setting', () => {
    expect(() => sweeperSilenceWindowMinutes(721)).toThrow(ConfigError);
    expect(() => createTestStack({ sweeper: { intervalMinutes: 721 } })).toThrow(
      /sweeper\.intervalMinutes must be an integer from 1 to 720, got 721/,
    );
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
    expect(body).toContain('SQS Dead-Letter Queue **[echo dead-letter queue (high)]');
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
