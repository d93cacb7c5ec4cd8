/**
 * Names of the environment variables `lib/` sets on the functions and the Lambdas read.
 * Shared so the two sides cannot drift; `lib/` imports only this file and the job catalog.
 */
export const Env = {
  /** DynamoDB table of job records. */
  TableName: 'JOBS_TABLE_NAME',
  /**
   * JSON object: job name -> SQS queue URL, plus `<name>:high` -> the high-priority queue's URL
   * for job types that enable priorities (see {@link highPriorityKey}).
   */
  QueueUrls: 'JOB_QUEUE_URLS',
  /** The processor's job type. */
  JobName: 'JOB_NAME',
  /** The processor's queue URL. */
  QueueUrl: 'JOB_QUEUE_URL',
  /** The processor's dead-letter queue URL. */
  DeadLetterQueueUrl: 'JOB_DLQ_URL',
  /** The processor's high-priority queue URL (only for a job type with priorities). */
  HighPriorityQueueUrl: 'JOB_HIGH_QUEUE_URL',
  /** The processor's high-priority dead-letter queue URL (only with priorities). */
  HighPriorityDeadLetterQueueUrl: 'JOB_HIGH_DLQ_URL',
  /** JSON object: job name -> settings overrides from the stack's context. */
  JobSettings: 'JOB_SETTINGS',
  /**
   * JSON object: job name -> its resolved `pollIntervalSeconds` (get-job and retry-job, which
   * need no more of the catalog than that for `Retry-After`).
   */
  PollIntervals: 'JOB_POLL_INTERVALS',
  /** Days a finished job stays readable. */
  RetentionDays: 'JOB_RETENTION_DAYS',
  /** Largest accepted request body, bytes. */
  MaxBodyBytes: 'MAX_BODY_BYTES',
  /** S3 bucket of inputs and results too large for the job item (submit, processor, get-job). */
  PayloadBucket: 'PAYLOAD_BUCKET',
  /** JSON longer than this many bytes is stored gzip-compressed. */
  CompressAboveBytes: 'PAYLOAD_COMPRESS_ABOVE_BYTES',
  /** Seconds a queue's backlog reading is reused by the submit function (default 5). */
  BacklogCacheSeconds: 'BACKLOG_CACHE_SECONDS',
  /** JSON object: job name (and `<name>:high`) -> dead-letter queue URL (sweeper, admin redrive). */
  DeadLetterQueueUrls: 'JOB_DLQ_URLS',
  /** JSON object: job name -> seconds after which a waiting job's message counts as lost. */
  SweeperStaleAfterSeconds: 'SWEEPER_STALE_AFTER_SECONDS',
  /** Most jobs one sweep examines. */
  SweeperMaxJobsPerRun: 'SWEEPER_MAX_JOBS_PER_RUN',
  /** Shards of the job table's `Active` index (every function that uses the table). */
  TableActiveShards: 'JOB_TABLE_ACTIVE_SHARDS',
  /** Shards of each caller's `ByOwner` partition (every function that uses the table). */
  TableOwnerShards: 'JOB_TABLE_OWNER_SHARDS',
} as const;

export type EnvName = (typeof Env)[keyof typeof Env];

/**
 * The key of a job type's high-priority queue in the URL maps (`JOB_QUEUE_URLS`,
 * `JOB_DLQ_URLS`): job names hold no `:`, so both lanes share one map, one env var and one IAM
 * statement.
 */
export function highPriorityKey(jobName: string): string {
  return `${jobName}:high`;
}
