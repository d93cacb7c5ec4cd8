/**
 * Runtime settings of a job type: what the stack provisions for it and how it retries.
 * Pure data, shared by `lib/` (infrastructure) and the Lambdas (retry policy, deadlines).
 */
import type { RetryPolicy } from './retry-policy';

export interface JobSettings {
  /**
   * Processor function timeout, seconds (1-900). Each handler runs with a deadline a little below it.
   * @default 30
   */
  readonly timeoutSeconds: number;
  /**
   * Processor function memory, MiB (128-10240).
   * @default 512
   */
  readonly memoryMiB: number;
  /**
   * Messages per processor invocation (1-10000; above 10 needs a batching window).
   * @default 10
   */
  readonly batchSize: number;
  /**
   * How long the event source gathers a batch, seconds (0-300).
   * @default 0
   */
  readonly maxBatchingWindowSeconds: number;
  /**
   * Most concurrent processor invocations the event source makes (2-1000).
   * @default 5
   */
  readonly maxConcurrency: number;
  /**
   * Concurrency reserved for the processor; must cover both event sources: at least
   * `maxConcurrency + highPriorityMaxConcurrency`.
   * @default maxConcurrency + highPriorityMaxConcurrency
   */
  readonly reservedConcurrency: number;
  /**
   * Retries after the first attempt.
   * @default 3
   */
  readonly maxRetries: number;
  /**
   * Backoff scale: retry n waits up to `backoffBaseSeconds * 2^(n-1)`, with full jitter.
   * @default 2
   */
  readonly backoffBaseSeconds: number;
  /**
   * Longest single backoff, seconds (at most 43200, SQS's longest visibility timeout).
   * @default 900
   */
  readonly backoffMaxSeconds: number;
  /**
   * Deliveries of one message before SQS moves it to the DLQ by itself: the backstop for
   * crash loops. Must exceed `maxRetries + 1`, so the retry policy always decides first.
   * @default maxRetries + 3
   */
  readonly maxReceiveCount: number;
  /**
   * `Retry-After` seconds suggested to clients polling a job of this type.
   * @default 2
   */
  readonly pollIntervalSeconds: number;
  /**
   * Enables high-priority jobs when above 0: the stack adds a second queue (`<name>-high`, with
   * its own DLQ) and a second event source on the same processor, with this `MaximumConcurrency`
   * (2-1000), so urgent jobs never wait behind the normal queue's backlog. 0: no second queue,
   * and a high-priority submission is refused with 400.
   * @default 0
   */
  readonly highPriorityMaxConcurrency: number;
  /**
   * Admission control: most messages waiting in the job type's queue (visible plus delayed;
   * each priority's queue counted on its own) before submit answers 429 with `Retry-After` and
   * stores nothing. 0: unlimited.
   * @default 0
   */
  readonly maxBacklog: number;
}

export const DEFAULT_JOB_SETTINGS = {
  timeoutSeconds: 30,
  memoryMiB: 512,
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  maxConcurrency: 5,
  maxRetries: 3,
  backoffBaseSeconds: 2,
  backoffMaxSeconds: 900,
  pollIntervalSeconds: 2,
  highPriorityMaxConcurrency: 0,
  maxBacklog: 0,
} as const satisfies Partial<JobSettings>;

/** Fills defaults, including the ones derived from other settings. */
export function resolveJobSettings(partial: Partial<JobSettings> = {}): JobSettings {
  const merged = { ...DEFAULT_JOB_SETTINGS, ...stripUndefined(partial) };
  return {
    ...merged,
    reservedConcurrency:
      partial.reservedConcurrency ?? merged.maxConcurrency + merged.highPriorityMaxConcurrency,
    maxReceiveCount: partial.maxReceiveCount ?? merged.maxRetries + 3,
  };
}

export function retryPolicyOf(settings: JobSettings): RetryPolicy {
  return {
    maxRetries: settings.maxRetries,
    baseDelayMs: settings.backoffBaseSeconds * 1000,
    maxDelayMs: settings.backoffMaxSeconds * 1000,
  };
}

/** True when the job type has a high-priority queue. */
export function acceptsHighPriority(settings: Pick<JobSettings, 'highPriorityMaxConcurrency'>): boolean {
  return settings.highPriorityMaxConcurrency > 0;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
