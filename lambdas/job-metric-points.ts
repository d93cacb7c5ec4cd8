/**
 * Which job metrics each moment of a job's life emits, as data: the one place that decides it,
 * kept free of Powertools so tests can assert it outcome by outcome (`job-metrics.ts` writes the
 * points as EMF).
 */
import type { Job } from './core/job';
import { endToEndMs, queueWaitMs } from './core/job-timings';
import type { ProcessOutcome } from './core/use-cases/process-job';
import { JobMetric } from './metric-names';

/** One value of one job metric (its unit is `JOB_METRIC_UNITS[name]`). */
export interface MetricPoint {
  readonly name: JobMetric;
  readonly value: number;
}

const count = (name: JobMetric): MetricPoint => ({ name, value: 1 });

/** A submission that created a job. */
export function submittedPoints(): MetricPoint[] {
  return [count(JobMetric.Submitted)];
}

/** A claimed attempt: started, and how long it waited to be claimed when that is known. */
export function claimedPoints(claimed: Job): MetricPoint[] {
  const wait = queueWaitMs(claimed);
  return [
    count(JobMetric.Started),
    ...(wait === undefined ? [] : [{ name: JobMetric.QueueWaitTime, value: wait }]),
  ];
}

/**
 * A delivery's outcome at the processor. A skipped delivery records nothing (it did no work:
 * a duplicate, an early or a lost-lease delivery), except a DLQ copy sent again for an already
 * Failed job, which the first delivery counted already.
 */
export function outcomePoints(outcome: ProcessOutcome, processingMs: number): MetricPoint[] {
  if (outcome.kind === 'skipped') return [];
  const points: MetricPoint[] = [{ name: JobMetric.ProcessingTime, value: processingMs }];
  switch (outcome.kind) {
    case 'completed':
      points.push(count(JobMetric.Completed), ...endToEnd(outcome.job));
      break;
    case 'retry-scheduled':
      points.push(count(JobMetric.Retried));
      break;
    case 'failed':
      points.push(...failedPoints(outcome.job));
      break;
    case 'canceled':
      points.push(count(JobMetric.Canceled));
      break;
  }
  return points;
}

/** A job that ended Failed with its DLQ copy sent (by the processor or the sweeper). */
export function failedPoints(job: Job): MetricPoint[] {
  return [count(JobMetric.Failed), count(JobMetric.DeadLettered), ...endToEnd(job)];
}

/** A job canceled by its owner while queued or scheduled (a running one ends at its processor). */
export function canceledPoints(): MetricPoint[] {
  return [count(JobMetric.Canceled)];
}

/** A job the sweeper recovered from a dead worker, with the record it wrote. */
export function recoveredPoints(action: 'rescheduled' | 'failed', job: Job): MetricPoint[] {
  return action === 'rescheduled' ? [count(JobMetric.Retried)] : failedPoints(job);
}

/**
 * A job the sweeper ended because SQS had moved its message to the DLQ: Failed (counted failed
 * and dead-lettered, as no code counted the move) or, when its owner had asked, Canceled.
 */
export function settledPoints(job: Job): MetricPoint[] {
  return job.status === 'Canceled' ? canceledPoints() : failedPoints(job);
}

/** A message that is not a job message, sent to the DLQ by the processor. */
export function malformedPoints(): MetricPoint[] {
  return [count(JobMetric.DeadLettered)];
}

function endToEnd(job: Job): MetricPoint[] {
  const ms = endToEndMs(job);
  return ms === undefined ? [] : [{ name: JobMetric.EndToEndTime, value: ms }];
}
