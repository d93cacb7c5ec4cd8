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
  maxBodyBytes: 262_144,
  logRetentionDays: 30,
  removalPolicy: 'retain',
  manageApiGatewayAccount: true,
  apiStageName: 'prod',
  sweeper: { intervalMinutes: 5, maxJobsPerRun: 500 },
} as const;

/** Shortest alarm threshold on the age of a job queue's oldest message, seconds. */
export const MIN_MAX_MESSAGE_AGE_SECONDS = 900;

/** Limits AWS enforces (or that keep a job record inside one DynamoDB item). */
export const LIMITS = {
  /**
   * Largest accepted body: a job record holds the body plus status, timestamps and result
   * metadata, and must fit DynamoDB's 400 KB item; 350 KiB leaves room for the rest.
   */
  maxBodyBytes: 358_400,
  /** SQS's longest visibility timeout and the longest backoff it can express. */
  maxVisibilityTimeoutSeconds: 43_200,
  /** Lambda keeps this much account concurrency unreserved. */
  unreservedAccountConcurrency: 100,
  /** SQS message size ceiling (1 MiB since January 2026). */
  maxMessageSizeBytes: 1_048_576,
  /** SQS `maxReceiveCount` ceiling. */
  maxReceiveCount: 1000,
} as const;
