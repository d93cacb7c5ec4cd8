import {
  DEFAULT_COMPRESS_ABOVE_BYTES,
  INLINE_PAYLOAD_MAX_BYTES,
  MAX_BODY_BYTES_CEILING,
} from '../lambdas/payload-limits';

/**
 * Defaults and hard limits of the stage config (see `config.ts`). Kept apart so the limits are
 * easy to find and the tests can refer to the same numbers.
 */

/**
 * Defaults of the stage-wide fields of {@link StageConfigInput} that do not depend on scale.
 * `retentionDays`, `apiThrottle`, `alarms` and `accountConcurrency` come from the scale profile
 * (`profiles.ts`).
 */
export const CONFIG_DEFAULTS = {
  stackName: 'AsyncEndpoints',
  maxBodyBytes: 1_048_576,
  compressAboveBytes: DEFAULT_COMPRESS_ABOVE_BYTES,
  logRetentionDays: 30,
  removalPolicy: 'retain',
  apiStageName: 'prod',
  sweeper: { intervalMinutes: 5, maxJobsPerRun: 500 },
} as const;

/** Shortest alarm threshold on the age of a job queue's oldest message, seconds. */
export const MIN_MAX_MESSAGE_AGE_SECONDS = 900;

/** Limits AWS enforces (or that keep a job record inside one DynamoDB item). */
export const LIMITS = {
  /**
   * Largest accepted body: large inputs go to S3, so the item is no longer the limit; Lambda's
   * 6 MB invocation payload is, with the body escaped inside the proxy event (see
   * `MAX_BODY_BYTES_CEILING`): 3,112,960 bytes.
   */
  maxBodyBytes: MAX_BODY_BYTES_CEILING,
  /** The compression threshold may not exceed what the item keeps inline. */
  maxCompressAboveBytes: INLINE_PAYLOAD_MAX_BYTES,
  /** SQS's longest visibility timeout and the longest backoff it can express. */
  maxVisibilityTimeoutSeconds: 43_200,
  /** Lambda keeps this much account concurrency unreserved. */
  unreservedAccountConcurrency: 100,
  /** SQS message size ceiling (1 MiB since January 2026). */
  maxMessageSizeBytes: 1_048_576,
  /** SQS `maxReceiveCount` ceiling. */
  maxReceiveCount: 1000,
} as const;
