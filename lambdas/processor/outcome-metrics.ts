import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ProcessOutcome } from '../core/use-cases/process-job';
import { JobMetric } from '../metric-names';

/** Records one delivery's outcome as job metrics (the job name is a default dimension). */
export function recordOutcome(metrics: Metrics, outcome: ProcessOutcome, elapsedMs: number): void {
  if (outcome.kind === 'skipped') return;
  metrics.addMetric(JobMetric.Started, MetricUnit.Count, 1);
  metrics.addMetric(JobMetric.ProcessingTime, MetricUnit.Milliseconds, elapsedMs);
  switch (outcome.kind) {
    case 'completed':
      metrics.addMetric(JobMetric.Completed, MetricUnit.Count, 1);
      break;
    case 'retry-scheduled':
      metrics.addMetric(JobMetric.Retried, MetricUnit.Count, 1);
      break;
    case 'failed':
      metrics.addMetric(JobMetric.Failed, MetricUnit.Count, 1);
      metrics.addMetric(JobMetric.DeadLettered, MetricUnit.Count, 1);
      break;
    case 'canceled':
      metrics.addMetric(JobMetric.Canceled, MetricUnit.Count, 1);
      break;
  }
}
