/**
 * Names of the environment variables `lib/` sets on the functions and the Lambdas read.
 * Shared so the two sides cannot drift; `lib/` imports only this file and the job catalog.
 */
export const Env = {
  /** DynamoDB table of job records. */
  TableName: 'JOBS_TABLE_NAME',
  /**
   * URL prefix of the stage's queues, `https://sqs.<region>.<urlSuffix>/<account>/<stackName>_`:
   * each queue's URL is this plus its name's suffix (see `queue-names.ts`), so the environment
   * does not grow with the job types.
   */
  QueueUrlPrefix: 'JOB_QUEUE_URL_PREFIX',
  /** The processor's job type. */
  JobName: 'JOB_NAME',
  /**
   * JSON of the stage manifest (see `stage-manifest.ts`), read only when none was baked into the
   * bundle: for tests and tools that run an entry unbundled. The stack never sets it.
   */
  StageManifest: 'STAGE_MANIFEST',
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
  /** Most jobs one sweep examines. */
  SweeperMaxJobsPerRun: 'SWEEPER_MAX_JOBS_PER_RUN',
  /** Shards of the job table's `Active` index (every function that uses the table). */
  TableActiveShards: 'JOB_TABLE_ACTIVE_SHARDS',
  /** Shards of each caller's `ByOwner` partition (every function that uses the table). */
  TableOwnerShards: 'JOB_TABLE_OWNER_SHARDS',
} as const;

export type EnvName = (typeof Env)[keyof typeof Env];

/**
 * The key of a job type's high-priority lane in the URL maps the functions build from the queue
 * URL prefix (`laneUrlMap` in `queue-names.ts`): job names hold no `:`, so both lanes share one map.
 */
export function highPriorityKey(jobName: string): string {
  return `${jobName}:high`;
}
