/**
 * The dashboard the stack deploys, widget by widget: the alarm status and the summary row first,
 * then the API, table and sweeper sections, and for every job type its job metrics, queue and
 * DLQ, and processor, with each alarm's line. The 500-widget split: monitoring-footprint.test.ts.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobMetric, METRICS_NAMESPACE } from '../../lambdas/metric-names';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { loadConfig, type StageConfig } from '../../lib/config';
import { SUMMARY_JOB_TOTALS, SUMMARY_TITLES } from '../../lib/constructs/dashboard-summary';
import {
  DURATION_PERCENTILES,
  JOB_METRIC_GROUP_TITLES,
  THROUGHPUT_METRICS,
} from '../../lib/constructs/job-metric-groups';
import { ALARM_THRESHOLD_DEFAULTS } from '../../lib/constructs/monitoring-defaults';
import { createTestApp, createTestStack } from '../support/cdk-app';
import { type DashboardWidget, dashboardsOf, tokenText } from '../support/dashboard';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;
type Resources = Record<string, { Type: string; Properties?: Json }>;

let stack: AsyncEndpointsStack;
let config: StageConfig;
let resources: Resources;

beforeAll(() => {
  ({ stack } = createTestStack());
  config = loadConfig(createTestApp());
  resources = Template.fromStack(stack).toJSON().Resources;
});

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const t = ALARM_THRESHOLD_DEFAULTS;

type Widget = DashboardWidget;
/** How the body holds a `Fn::GetAtt` of `construct`. */
const token = (construct: { node: { defaultChild?: unknown } }, attribute: string) =>
  tokenText({ 'Fn::GetAtt': [idOf(construct), attribute] });

describe('dashboard', () => {
  let widgets: Widget[];
  beforeAll(() => {
    const dashboards = dashboardsOf(resources);
    expect(dashboards).toHaveLength(1);
    widgets = dashboards[0]?.widgets as Widget[];
  });

  it('is named after the stack and the Region (dashboard names are account-wide)', () => {
    expect(dashboardsOf(resources)[0]?.name).toEqual({
      'Fn::Join': ['', ['AsyncEndpoints-', { Ref: 'AWS::Region' }]],
    });
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

  it('puts the overview, the API, the table, the sweeper and one section per job type, in catalog order', () => {
    const headers = widgets
      .filter((w) => w.properties.markdown?.startsWith('# '))
      .map((w) => w.properties.markdown?.split('\n')[0]);
    expect(headers).toEqual([
      '# Overview',
      '# API',
      '# Job table',
      '# Sweeper',
      ...config.jobTypes.map((j) => `# Job type \`${j.name}\``),
    ]);
  });

  it('opens with the status of every alarm of the stage, firing ones first', () => {
    const status = widgets[0] as Widget;
    expect(status.type).toBe('alarm');
    expect([status.x, status.y, status.width]).toEqual([0, 0, 24]);
    expect(status.properties.sortBy).toBe('stateUpdatedTimestamp');
    const alarmIds = ofType('AWS::CloudWatch::Alarm').map(([id]) => tokenText({ 'Fn::GetAtt': [id, 'Arn'] }));
    expect(alarmIds.length).toBeGreaterThan(30);
    expect([...(status.properties.alarms ?? [])].sort()).toEqual(alarmIds.sort());
  });

  it('follows with a summary row over every job type: jobs submitted, completed and failed', () => {
    const summary = widgets.slice(2, 5);
    expect(summary.map((w) => w.properties.title)).toEqual(Object.values(SUMMARY_TITLES));
    expect(new Set(summary.map((w) => w.y)).size).toBe(1);
    const jobs = summary[0] as Widget;
    const expressions = (jobs.properties.metrics ?? []).filter((m) => typeof m[0] === 'object');
    expect(expressions.map((m) => (m[0] as Json).label)).toEqual(SUMMARY_JOB_TOTALS.map(([, l]) => l));
    SUMMARY_JOB_TOTALS.forEach(([metricName], i) => {
      const expression = String((expressions[i]?.[0] as Json | undefined)?.expression);
      const ids = expression.match(/^SUM\(\[(.*)\]\)$/)?.[1]?.split(',') ?? [];
      expect(ids, metricName).toHaveLength(config.jobTypes.length);
      // Each id is one job type's metric, drawn hidden under the sum.
      const summed = (jobs.properties.metrics ?? []).filter((m) => ids.includes((m.at(-1) as Json).id));
      expect(summed.map((m) => [m[1], m[3], (m.at(-1) as Json).visible])).toEqual(
        config.jobTypes.map((j) => [metricName, j.name, false]),
      );
    });
  });

  it('sums the dead letters of every DLQ and takes the oldest message of every job queue', () => {
    const [, deadLetters, oldest] = widgets.slice(2, 5) as Widget[];
    const body = (w: Widget | undefined) => JSON.stringify(w?.properties.metrics);
    for (const job of config.jobTypes) {
      const p = stack.processors[job.name];
      if (!p) throw new Error(`no processor for ${job.name}`);
      expect(body(deadLetters)).toContain(token(p.deadLetterQueue, 'QueueName'));
      expect(body(deadLetters)).not.toContain(token(p.queue, 'QueueName'));
      expect(body(oldest)).toContain(token(p.queue, 'QueueName'));
    }
    expect(body(deadLetters)).toMatch(/SUM\(\[/);
    expect(body(deadLetters)).toContain('ApproximateNumberOfMessagesVisible');
    expect(body(oldest)).toMatch(/MAX\(\[/);
    expect(body(oldest)).toContain('ApproximateAgeOfOldestMessage');
  });

  it('shows each API function and the sweeper with their errors and throttles alarm lines', () => {
    const functions = [
      ...['submit', 'get-job', 'list-jobs', 'cancel-job', 'retry-job', 'redrive'].map((n) => [
        'API',
        `API function ${n}`,
      ]),
      ['Sweeper', 'Recovery sweeper'],
    ];
    for (const [header, title] of functions) {
      const s = section(header as string);
      const start = s.findIndex((w) => w.properties.markdown?.includes(`[${title}]`));
      expect(start, title).toBeGreaterThanOrEqual(0);
      const own = s.slice(start + 1, start + 7);
      expect(graph(own, 'Errors').properties.annotations?.horizontal).toHaveLength(1);
      expect(graph(own, 'Invocations').properties.annotations?.horizontal?.length).toBeGreaterThan(0);
    }
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
      // The queue's and the DLQ's sections are each titled after their own queue.
      const titles = s.map((w) => w.properties.markdown ?? '').filter((m) => m.startsWith('### SQS'));
      expect(titles.map((m) => m.match(/^### (SQS [^*]*) \*\*\[([^\]]*)\]/)?.slice(1))).toEqual([
        ['SQS Queue', `${job.name} queue`],
        ['SQS Dead-Letter Queue', `${job.name} dead-letter queue`],
      ]);
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

describe('stack outputs', () => {
  let outputs: Record<string, { Value: unknown }>;
  beforeAll(() => {
    outputs = Template.fromStack(stack).toJSON().Outputs;
  });

  it("give the first dashboard's console URL in the stack's Region", () => {
    const region = { Ref: 'AWS::Region' };
    expect(outputs.DashboardUrl?.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'https://',
          region,
          '.console.aws.amazon.com/cloudwatch/home?region=',
          region,
          '#dashboards/dashboard/AsyncEndpoints-',
          region,
        ],
      ],
    });
    expect(outputs.DashboardName?.Value).toEqual({ Ref: idOf(stack.monitoring.dashboard) });
  });

  it('give the API URL once, as ApiUrl (the RestApi adds no Endpoint output of its own)', () => {
    const urls = Object.entries(outputs).filter(([, o]) => JSON.stringify(o.Value).includes('execute-api'));
    expect(urls.map(([key]) => key)).toEqual(['ApiUrl']);
  });
});
