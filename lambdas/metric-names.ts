/**
 * CloudWatch metric names and dimensions the Lambdas emit (Powertools Metrics, EMF) and the
 * stack's dashboard and alarms read. Shared so the two sides cannot drift.
 */
export const METRICS_NAMESPACE = 'AsyncEndpoints';

/** Dimension holding the job type's name; `service` (the stack name) is always added too. */
export const JOB_NAME_DIMENSION = 'JobName';

export const JobMetric = {
  Submitted: 'JobsSubmitted',
  Started: 'JobsStarted',
  Completed: 'JobsCompleted',
  Retried: 'JobsRetried',
  Failed: 'JobsFailed',
  /** Attempts that ended Canceled by their owner (not failures: nothing is dead-lettered). */
  Canceled: 'JobsCanceled',
  DeadLettered: 'JobsDeadLettered',
  /** Milliseconds from claim to outcome. */
  ProcessingTime: 'JobProcessingTime',
} as const;

export type JobMetric = (typeof JobMetric)[keyof typeof JobMetric];
