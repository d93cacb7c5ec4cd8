/**
 * The dashboard's cross-type summary row: jobs submitted, completed and failed over every job
 * type, dead letters over every DLQ, and the oldest message over every job queue. Metric math
 * over the stack's own metrics (not a SEARCH, which would also catch another stage's queues).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { JobMetric } from '../../lambdas/metric-names';
import { jobMetric } from './job-metric-groups';

/** What the summary adds up. */
export interface DashboardSummarySource {
  /** EMF namespace of the job metrics. */
  readonly namespace: string;
  /** Their `service` dimension (the stack name). */
  readonly serviceName: string;
  /** Every job type's name. */
  readonly jobNames: readonly string[];
  /** Every job queue (each lane of each job type). */
  readonly queues: readonly sqs.IQueue[];
  /** Every dead-letter queue. */
  readonly deadLetterQueues: readonly sqs.IQueue[];
}

/** The summary graphs' titles, in row order; the tests look them up by these. */
export const SUMMARY_TITLES = {
  jobs: 'All job types: jobs (count)',
  deadLetters: 'All DLQs: dead letters (visible messages)',
  oldestMessage: 'All job queues: oldest message age (s)',
} as const;

/** The totals on the jobs graph, in legend order. */
export const SUMMARY_JOB_TOTALS: readonly [JobMetric, string][] = [
  [JobMetric.Submitted, 'Submitted'],
  [JobMetric.Completed, 'Completed'],
  [JobMetric.Failed, 'Failed'],
];

const HEIGHT = 6;
const WIDTH = 8;

/**
 * `fn` (`SUM` or `MAX`) across `metrics`, per timestamp, or nothing without metrics. An array
 * function, not `m0 + m1`: `+` leaves a gap wherever one series has no point, and an idle job
 * type has none.
 */
function across(
  fn: 'SUM' | 'MAX',
  idPrefix: string,
  metrics: readonly cloudwatch.IMetric[],
  label: string,
  period: Duration,
): cloudwatch.MathExpression[] {
  if (metrics.length === 0) return [];
  const usingMetrics = Object.fromEntries(metrics.map((m, i) => [`${idPrefix}${i}`, m]));
  return [
    new cloudwatch.MathExpression({
      expression: `${fn}([${Object.keys(usingMetrics).join(',')}])`,
      usingMetrics,
      label,
      period,
    }),
  ];
}

const graph = (title: string, left: cloudwatch.IMetric[]) =>
  new cloudwatch.GraphWidget({ title, left, leftYAxis: { min: 0 }, width: WIDTH, height: HEIGHT });

/** The three summary graphs, a third of the dashboard's width each. */
export function dashboardSummaryWidgets(source: DashboardSummarySource): cloudwatch.IWidget[] {
  // SQS publishes queue metrics every minute.
  const oneMinute = Duration.minutes(1);
  const maximum = { statistic: cloudwatch.Stats.MAXIMUM, period: oneMinute };
  const jobMetrics = (name: JobMetric, label: string) =>
    source.jobNames.map((jobName) =>
      jobMetric(
        { namespace: source.namespace, serviceName: source.serviceName, jobName },
        name,
        'Sum',
        label,
      ),
    );
  return [
    graph(
      SUMMARY_TITLES.jobs,
      SUMMARY_JOB_TOTALS.flatMap(([name, label], i) =>
        across('SUM', `j${i}_`, jobMetrics(name, label), label, Duration.minutes(5)),
      ),
    ),
    graph(
      SUMMARY_TITLES.deadLetters,
      across(
        'SUM',
        'd',
        source.deadLetterQueues.map((q) => q.metricApproximateNumberOfMessagesVisible(maximum)),
        'Dead letters',
        oneMinute,
      ),
    ),
    graph(
      SUMMARY_TITLES.oldestMessage,
      across(
        'MAX',
        'a',
        source.queues.map((q) => q.metricApproximateAgeOfOldestMessage(maximum)),
        'Oldest message',
        oneMinute,
      ),
    ),
  ];
}
