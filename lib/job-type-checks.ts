/**
 * Per-job-type derived defaults and synth-time invariants (queue visibility, redrive, retry
 * schedule, event-source limits), used by `config.ts`.
 */
import { CANCEL_CHECK_SECONDS, JOB_KINDS, type JobSettings } from '../lambdas/core/job-settings';
import { hasHighPriorityLane, MAX_QUEUE_NAME_LENGTH, stageQueues } from '../lambdas/queue-names';
import { LIMITS, MIN_MAX_MESSAGE_AGE_SECONDS } from './config-defaults';
import type { Problems } from './config-problems';
import { checkLanes } from './lane-checks';

/** One job type, fully resolved: what the stack provisions for it. */
export interface JobTypeConfig {
  readonly name: string;
  readonly settings: JobSettings;
  readonly visibilityTimeoutSeconds: number;
  readonly maxMessageAgeSeconds: number;
  /**
   * The processor's `ReservedConcurrentExecutions`: `settings.reservedConcurrency`, or undefined
   * when the stage's `reservedConcurrency` is `'off'` (no reservation; the event sources'
   * `MaximumConcurrency` bounds the job type).
   */
  readonly reservedConcurrentExecutions: number | undefined;
}

/** Main job queue retention (SQS default, made explicit): the longest a job may keep retrying. */
export const JOB_QUEUE_RETENTION_SECONDS = 4 * 24 * 3600;

/** Lambda's recommendation for SQS event sources: 6x the function timeout plus the batching window. */
export function defaultVisibilityTimeoutSeconds(s: JobSettings): number {
  return 6 * s.timeoutSeconds + s.maxBatchingWindowSeconds;
}

/**
 * The longest a healthy message can stay in its queue: every attempt runs to its timeout (after
 * a full batching window) and every retry waits its capped backoff. The backoff schedule
 * mirrors the retry policy: retry n waits up to `min(base * 2^(n-1), max)`.
 */
export function worstCaseMessageLifetimeSeconds(s: JobSettings): number {
  let backoff = 0;
  for (let n = 1; n <= s.maxRetries; n++) {
    backoff += Math.min(s.backoffBaseSeconds * 2 ** (n - 1), s.backoffMaxSeconds);
    if (backoff > JOB_QUEUE_RETENTION_SECONDS) break; // already too long; no need to keep adding
  }
  return (s.maxRetries + 1) * (s.timeoutSeconds + s.maxBatchingWindowSeconds) + backoff;
}

/** Age-of-oldest-message alarm threshold: the worst healthy lifetime, at least 15 minutes. */
export function defaultMaxMessageAgeSeconds(s: JobSettings): number {
  return Math.max(MIN_MAX_MESSAGE_AGE_SECONDS, Math.ceil(worstCaseMessageLifetimeSeconds(s)));
}

export function checkJobType(p: Problems, job: JobTypeConfig): void {
  const s = job.settings;
  const at = `jobTypes.${job.name}`;
  const range = (field: string, value: number, min: number, max: number, integer = true) => {
    if ((integer && !Number.isInteger(value)) || value < min || value > max) {
      p.add(`${at}.${field} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got ${value}`);
    }
  };
  if (!JOB_KINDS.includes(s.kind))
    p.add(`${at}.kind must be one of ${JOB_KINDS.join(', ')}, got '${s.kind}'`);
  range('timeoutSeconds', s.timeoutSeconds, 1, 900);
  range('memoryMiB', s.memoryMiB, 128, 10_240);
  range('batchSize', s.batchSize, 1, 10_000);
  range('maxBatchingWindowSeconds', s.maxBatchingWindowSeconds, 0, 300);
  if (s.batchSize > 10 && s.maxBatchingWindowSeconds < 1) {
    p.add(`${at}.maxBatchingWindowSeconds must be at least 1 when batchSize (${s.batchSize}) is above 10`);
  }
  range('maxBacklog', s.maxBacklog, 0, Number.MAX_SAFE_INTEGER);
  checkLanes(p, s, at, job.reservedConcurrentExecutions !== undefined);
  if (!Number.isInteger(s.maxRetries) || s.maxRetries < 0) {
    p.add(`${at}.maxRetries must be an integer >= 0, got ${s.maxRetries}`);
  }
  if (!(s.backoffBaseSeconds > 0)) p.add(`${at}.backoffBaseSeconds must be > 0, got ${s.backoffBaseSeconds}`);
  if (s.backoffMaxSeconds > LIMITS.maxVisibilityTimeoutSeconds) {
    p.add(
      `${at}.backoffMaxSeconds must be at most ${LIMITS.maxVisibilityTimeoutSeconds} (SQS's longest visibility timeout), got ${s.backoffMaxSeconds}`,
    );
  }
  if (s.backoffMaxSeconds < s.backoffBaseSeconds) {
    p.add(
      `${at}.backoffMaxSeconds (${s.backoffMaxSeconds}) must be at least backoffBaseSeconds (${s.backoffBaseSeconds})`,
    );
  }
  if (!Number.isInteger(s.maxReceiveCount) || s.maxReceiveCount <= s.maxRetries + 1) {
    p.add(
      `${at}.maxReceiveCount (${s.maxReceiveCount}) must be an integer above maxRetries + 1 (${s.maxRetries + 1}), so the retry policy decides before SQS dead-letters a message`,
    );
  } else if (s.maxReceiveCount > LIMITS.maxReceiveCount) {
    p.add(`${at}.maxReceiveCount must be at most ${LIMITS.maxReceiveCount}, got ${s.maxReceiveCount}`);
  }
  if (!(s.pollIntervalSeconds >= 1))
    p.add(`${at}.pollIntervalSeconds must be >= 1, got ${s.pollIntervalSeconds}`);
  const { min, max } = CANCEL_CHECK_SECONDS;
  if (s.cancelCheckSeconds !== 0 && !(s.cancelCheckSeconds >= min && s.cancelCheckSeconds <= max)) {
    p.add(
      `${at}.cancelCheckSeconds must be 0 (no checks: the lease renewals every 20 s see a cancel) or a number of seconds in ${min}..${max}, got ${s.cancelCheckSeconds}`,
    );
  }

  const minVisibility = defaultVisibilityTimeoutSeconds(s);
  if (!Number.isInteger(job.visibilityTimeoutSeconds) || job.visibilityTimeoutSeconds < minVisibility) {
    p.add(
      `${at}.visibilityTimeoutSeconds (${job.visibilityTimeoutSeconds}) must be an integer at least 6 x timeoutSeconds + maxBatchingWindowSeconds (${minVisibility})`,
    );
  }
  if (job.visibilityTimeoutSeconds > LIMITS.maxVisibilityTimeoutSeconds) {
    p.add(
      `${at}.visibilityTimeoutSeconds must be at most ${LIMITS.maxVisibilityTimeoutSeconds}, got ${job.visibilityTimeoutSeconds}`,
    );
  }
  if (!Number.isInteger(job.maxMessageAgeSeconds) || job.maxMessageAgeSeconds < 60) {
    p.add(`${at}.maxMessageAgeSeconds must be an integer >= 60, got ${job.maxMessageAgeSeconds}`);
  }
  const lifetime = worstCaseMessageLifetimeSeconds(s);
  if (lifetime >= JOB_QUEUE_RETENTION_SECONDS) {
    p.add(
      `${at}: the worst-case retry schedule (${Math.ceil(lifetime)} s) outlives the job queue's retention (${JOB_QUEUE_RETENTION_SECONDS} s); lower maxRetries or backoffMaxSeconds`,
    );
  }
}

/**
 * Every queue of the job type must have a name SQS accepts: `<stackName>_<job>[_high][_dlq]`
 * is at most {@link MAX_QUEUE_NAME_LENGTH} characters. Each too-long name is reported with its
 * length.
 */
export function checkQueueNames(p: Problems, stackName: string, job: JobTypeConfig): void {
  for (const { name } of stageQueues(stackName, { [job.name]: hasHighPriorityLane(job.settings) })) {
    if (name.length > MAX_QUEUE_NAME_LENGTH) {
      p.add(
        `jobTypes.${job.name}: queue name '${name}' is ${name.length} characters; SQS allows at most ${MAX_QUEUE_NAME_LENGTH} (shorten stackName or the job type's name)`,
      );
    }
  }
}
