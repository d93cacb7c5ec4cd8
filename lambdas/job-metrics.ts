/**
 * How the Lambdas emit job metrics (Powertools Metrics, EMF). Every metric carries exactly the
 * dimensions the stack's dashboard reads: `service` (the stack name, from
 * POWERTOOLS_SERVICE_NAME) and `JobName`.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { JOB_NAME_DIMENSION, JobMetric, METRICS_NAMESPACE } from './metric-names';

/** A processor's metrics: one job type, so its name is a default dimension. */
export function processorMetrics(jobName: string): Metrics {
  return new Metrics({ namespace: METRICS_NAMESPACE, defaultDimensions: { [JOB_NAME_DIMENSION]: jobName } });
}

/** Counts accepted submissions; the API serves every job type, so each count is its own blob. */
export function submittedCounter(metrics = new Metrics({ namespace: METRICS_NAMESPACE })) {
  return (jobName: string): void => {
    const metric = metrics.singleMetric();
    metric.addDimension(JOB_NAME_DIMENSION, jobName);
    metric.addMetric(JobMetric.Submitted, MetricUnit.Count, 1);
  };
}
