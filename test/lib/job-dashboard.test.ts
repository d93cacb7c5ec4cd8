/**
 * The dashboard the stack deploys, widget by widget: the API and table sections, and for every
 * job type its job metrics, queue and DLQ, and processor, with each alarm's line.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobMetric, METRICS_NAMESPACE } from '../../lambdas/metric-names';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { loadConfig, type StageConfig } from '../../lib/config';
import {
  DURATION_PERCENTILES,
  JOB_METRIC_GROUP_TITLES,
  THROUGHPUT_METRICS,
} from '../../lib/constructs/job-metric-groups';
import { ALARM_THRESHOLD_DEFAULTS } from '../../lib/constructs/monitoring-defaults';
import { createTestApp, createTestStack } from '../support/cdk-app';
import { dashboardBody } from '../support/dashboard';

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
