/**
 * The dashboard's graphs of one job type's own metrics (the EMF metrics the Lambdas emit, see
 * `lambdas/metric-names.ts`), as cdk-monitoring-constructs custom metric groups.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { CustomMetricGroup } from 'cdk-monitoring-constructs';
import { JOB_NAME_DIMENSION, JobMetric } from '../../lambdas/metric-names';

/** Where one job type's metrics are. */
export interface JobMetricSource {
  /** EMF namespace. */
  readonly namespace: string;
  /** The `service` dimension Powertools adds (the stack name). */
  readonly serviceName: string;
  /** The `JobName` dimension. */
  readonly jobName: string;
}

/** The graphs' titles, in dashboard order; the tests look widgets up by them. */
export const JOB_METRIC_GROUP_TITLES = {
  throughput: 'Jobs (count)',
  queueWait: 'Queue wait: runnable to claim (ms)',
  processing: 'Processing time (ms)',
  endToEnd: 'End-to-end: submit to Completed/Failed (ms)',
} as const;

/** Counts on the throughput graph, in legend order. */
export const THROUGHPUT_METRICS: readonly [JobMetric, string][] = [
  [JobMetric.Submitted, 'Submitted'],
  [JobMetric.Started, 'Started'],
  [JobMetric.Completed, 'Completed'],
  [JobMetric.Failed, 'Failed'],
  [JobMetric.Retried, 'Retried'],
  [JobMetric.Canceled, 'Canceled'],
  [JobMetric.DeadLettered, 'Dead-lettered'],
];

/** Percentiles drawn for each duration. */
export const DURATION_PERCENTILES = [50, 90, 99] as const;

const PERIOD = Duration.minutes(5);

/** One job type's metric `metricName` at `statistic`, over 5 minutes. */
export function jobMetric(
  source: JobMetricSource,
  metricName: JobMetric,
  statistic: string,
  label: string,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: source.namespace,
    metricName,
    dimensionsMap: { service: source.serviceName, [JOB_NAME_DIMENSION]: source.jobName },
    statistic,
    period: PERIOD,
    label,
  });
}

/** Throughput, then queue wait, processing and end-to-end percentiles. */
export function jobMetricGroups(source: JobMetricSource): CustomMetricGroup[] {
  const metric = (metricName: JobMetric, statistic: string, label: string) =>
    jobMetric(source, metricName, statistic, label);
  const percentiles = (metricName: JobMetric) =>
    DURATION_PERCENTILES.map((p) => metric(metricName, `p${p}`, `p${p}`));
  return [
    {
      title: JOB_METRIC_GROUP_TITLES.throughput,
      metrics: THROUGHPUT_METRICS.map(([name, label]) => metric(name, cloudwatch.Stats.SUM, label)),
    },
    { title: JOB_METRIC_GROUP_TITLES.queueWait, metrics: percentiles(JobMetric.QueueWaitTime) },
    { title: JOB_METRIC_GROUP_TITLES.processing, metrics: percentiles(JobMetric.ProcessingTime) },
    { title: JOB_METRIC_GROUP_TITLES.endToEnd, metrics: percentiles(JobMetric.EndToEndTime) },
  ];
}
