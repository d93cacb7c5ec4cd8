/**
 * CloudWatch metric names and dimensions the Lambdas emit (Powertools Metrics, EMF) and the
 * stack's dashboard and alarms read. Shared so the two sides cannot drift.
 */
export const METRICS_NAMESPACE = 'AsyncEndpoints';

/** Dimension holding the job type's name; `service` (the stack name) is always added too. */
export const JOB_NAME_DIMENSION = 'JobName';

/** Every job metric: counts per job type, and durations (ms) whose percentiles the dashboard shows. */
export const JobMetric = {
  /** Jobs accepted by `POST /jobs/{name}` (a replay of an idempotency key is not counted). */
  Submitted: 'JobsSubmitted',
  /** Attempts claimed by a processor (or claimed and found canceled). */
  Started: 'JobsStarted',
  Completed: 'JobsCompleted',
  /** Retries scheduled: by the retry policy after a transient error, or by the sweeper after a dead worker. */
  Retried: 'JobsRetried',
  /** Jobs that ended Failed (permanent error, retries exhausted, dead worker with no retries left). */
  Failed: 'JobsFailed',
  /** Jobs that ended Canceled by their owner, queued or running (not failures: nothing is dead-lettered). */
  Canceled: 'JobsCanceled',
  /** Messages copied to the dead-letter queue: every Failed job, plus malformed messages. */
  DeadLettered: 'JobsDeadLettered',
  /** Milliseconds from runnable (submitted, or the end of a retry's backoff) to claim; see `queueWaitMs`. */
  QueueWaitTime: 'JobQueueWaitTime',
  /** Milliseconds from a delivery's arrival at the processor to its outcome being recorded. */
  ProcessingTime: 'JobProcessingTime',
  /** Milliseconds from submission to Completed or Failed. */
  EndToEndTime: 'JobEndToEndTime',
} as const;

export type JobMetric = (typeof JobMetric)[keyof typeof JobMetric];

/** The CloudWatch unit of each job metric. */
export const JOB_METRIC_UNITS: Readonly<Record<JobMetric, 'Count' | 'Milliseconds'>> = {
  [JobMetric.Submitted]: 'Count',
  [JobMetric.Started]: 'Count',
  [JobMetric.Completed]: 'Count',
  [JobMetric.Retried]: 'Count',
  [JobMetric.Failed]: 'Count',
  [JobMetric.Canceled]: 'Count',
  [JobMetric.DeadLettered]: 'Count',
  [JobMetric.QueueWaitTime]: 'Milliseconds',
  [JobMetric.ProcessingTime]: 'Milliseconds',
  [JobMetric.EndToEndTime]: 'Milliseconds',
};
