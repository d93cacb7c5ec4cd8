/**
 * Writes job metric points (see `job-metric-points.ts`) as Powertools Metrics (EMF). Every
 * metric carries exactly the dimensions the stack's dashboard reads: `service` (the stack name,
 * from POWERTOOLS_SERVICE_NAME) and `JobName`.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { type MetricPoint, submittedPoints } from './job-metric-points';
import { JOB_METRIC_UNITS, JOB_NAME_DIMENSION, METRICS_NAMESPACE } from './metric-names';

/** Records a job type's metric points (an emitter for components that serve every job type). */
export type JobMetricsEmitter = (jobName: string, points: readonly MetricPoint[]) => void;

/** A processor's metrics: one job type, so its name is a default dimension. */
export function processorMetrics(jobName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, defaultDimensions: { [JOB_NAME_DIMENSION]: jobName } });
}

/**
 * Adds points to a buffered Metrics whose default dimensions name the job type (the
 * processor's); they are published together with `publishStoredMetrics()` at the end of a batch.
 */
export function addPoints(metrics: Metrics, points: readonly MetricPoint[]): void {
  for (const { name, value } of points) metrics.addMetric(name, JOB_METRIC_UNITS[name], value);
}

/**
 * An emitter for the API and the sweeper, which serve every job type: each point is published
 * at once as its own EMF blob with the job name as a dimension (these components record a
 * handful of points per invocation, so there is nothing worth buffering).
 */
export function jobMetricsEmitter(
  metrics = new Metrics({ namespace: METRICS_NAMESPACE }),
): JobMetricsEmitter {
  return (jobName, points) => {
    for (const { name, value } of points) {
      // One blob per point, from the one Metrics: publishing clears the dimension and the
      // metric again. Synchronous, so concurrent requests cannot interleave. (`singleMetric()`
      // would write the same blob, but builds a Metrics and a Node Console for every point.)
      metrics.addDimension(JOB_NAME_DIMENSION, jobName);
      metrics.addMetric(name, JOB_METRIC_UNITS[name], value);
      metrics.publishStoredMetrics();
    }
  };
}

/** Counts accepted submissions (the submit handler's `countSubmitted`). */
export function submittedCounter(emit: JobMetricsEmitter = jobMetricsEmitter()) {
  return (jobName: string): void => emit(jobName, submittedPoints());
}
