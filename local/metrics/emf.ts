/**
 * Reads CloudWatch Embedded Metric Format documents, as Powertools Metrics writes them, back
 * into job metric samples: the values of each metric a directive declares, with the job type
 * from the document's `JobName` dimension. Only the job metrics the dashboard charts are kept.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import {
  JOB_METRIC_UNITS,
  JOB_NAME_DIMENSION,
  type JobMetric,
  METRICS_NAMESPACE,
} from '../../lambdas/metric-names';

/** The values one EMF document holds for one job metric of one job type. */
export interface JobMetricSample {
  /** When the metrics were published (the document's `_aws.Timestamp`), ms since the epoch. */
  readonly timestamp: number;
  readonly jobName: string;
  readonly metric: JobMetric;
  /** One or more values: Powertools writes a list when a metric was added several times. */
  readonly values: readonly number[];
}

interface MetricDirective {
  readonly Namespace?: unknown;
  readonly Dimensions?: unknown;
  readonly Metrics?: unknown;
}

/** True when `doc` is an EMF document (it carries `_aws.CloudWatchMetrics`). */
export function isEmfDocument(doc: unknown): doc is Record<string, unknown> {
  const aws = (doc as { _aws?: { CloudWatchMetrics?: unknown } } | null)?._aws;
  return typeof aws === 'object' && aws !== null && Array.isArray(aws.CloudWatchMetrics);
}

/**
 * The job metric samples of one EMF document: every metric of our namespace whose directive's
 * dimension sets name `JobName` and whose values are numbers. Anything else (another namespace,
 * Powertools' `ColdStart` metric, a malformed entry) is skipped, never thrown.
 */
export function jobMetricSamples(doc: unknown): JobMetricSample[] {
  if (!isEmfDocument(doc)) return [];
  const aws = doc._aws as { Timestamp?: unknown; CloudWatchMetrics: MetricDirective[] };
  const timestamp = typeof aws.Timestamp === 'number' ? aws.Timestamp : Date.now();
  const jobName = doc[JOB_NAME_DIMENSION];
  if (typeof jobName !== 'string' || jobName === '') return [];
  const samples: JobMetricSample[] = [];
  for (const directive of aws.CloudWatchMetrics) {
    if (directive?.Namespace !== METRICS_NAMESPACE || !namesJobDimension(directive.Dimensions)) continue;
    if (!Array.isArray(directive.Metrics)) continue;
    for (const definition of directive.Metrics) {
      const name: unknown = (definition as { Name?: unknown } | null)?.Name;
      if (!isJobMetric(name)) continue;
      const values = numbers(doc[name]);
      if (values.length > 0) samples.push({ timestamp, jobName, metric: name, values });
    }
  }
  return samples;
}

function namesJobDimension(dimensions: unknown): boolean {
  return (
    Array.isArray(dimensions) &&
    dimensions.some((set) => Array.isArray(set) && (set as unknown[]).includes(JOB_NAME_DIMENSION))
  );
}

function isJobMetric(name: unknown): name is JobMetric {
  return typeof name === 'string' && Object.hasOwn(JOB_METRIC_UNITS, name);
}

/** A metric's value: a number, or a list of numbers (non-numbers dropped). */
function numbers(value: unknown): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}
