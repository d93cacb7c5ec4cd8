/**
 * Runtime settings of a job type: what the stack provisions for it and how it retries.
 * Pure data, shared by `lib/` (infrastructure) and the Lambdas (retry policy, deadlines).
 */
import type { RetryPolicy } from './retry-policy';

/**
 * What bounds a job's running time, which decides how it is sized:
 * - `io`: waits on I/O (HTTP calls, databases). Little CPU, so modest memory; records of a batch
 *   run in parallel in one invocation, so batches and high concurrency are cheap.
 * - `cpu`: computes. Lambda gives CPU in proportion to memory (1,769 MB = 1 vCPU), so more
 *   memory; one job per invocation (records of a batch would share the vCPU and slow each other
 *   toward the timeout), and fewer concurrent invocations, as each costs more.
 */
export type JobKind = 'cpu' | 'io';

/** The job kinds, for validation messages. */
export const JOB_KINDS: readonly JobKind[] = ['io', 'cpu'];

export interface JobSettings {
  /**
   * What bounds the job's running time; picks the defaults of {@link KIND_DEFAULTS}.
   * @default 'io'
   */
  readonly kind: JobKind;
  /**
   * Processor function timeout, seconds (1-900). Each handler runs with a deadline a little below it.
   * @default 30 (io), 60 (cpu)
   */
  readonly timeoutSeconds: number;
  /**
   * Processor function memory, MiB (128-10240).
   * @default 512 (io), 1769 (cpu: one full vCPU)
   */
  readonly memoryMiB: number;
  /**
   * Messages per processor invocation (1-10000; above 10 needs a batching window).
   * @default 10 (io), 1 (cpu)
   */
  readonly batchSize: number;
  /**
   * How long the event source gathers a batch, seconds (0-300).
   * @default 0
   */
  readonly maxBatchingWindowSeconds: number;
  /**
   * Most concurrent processor invocations the event source makes (2-1000).
   * @default 5 (io), 2 (cpu)
   */
  readonly maxConcurrency: number;
  /**
   * Concurrency reserved for the processor; must be at least `maxConcurrency`.
   * @default maxConcurrency
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
}

/** Defaults of every job type; {@link KIND_DEFAULTS} lays the kind's own over them. */
export const DEFAULT_JOB_SETTINGS = {
  kind: 'io',
  timeoutSeconds: 30,
  memoryMiB: 512,
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  maxConcurrency: 5,
  maxRetries: 3,
  backoffBaseSeconds: 2,
  backoffMaxSeconds: 900,
  pollIntervalSeconds: 2,
} as const satisfies Partial<JobSettings>;

/**
 * Per-kind defaults, over {@link DEFAULT_JOB_SETTINGS}. `io` keeps the plain defaults. `cpu`
 * gets one vCPU (1,769 MB; CPU scales with memory), a longer timeout for computation, one job
 * per invocation and a lower concurrency cap, since each invocation costs 3.5x the memory.
 */
export const KIND_DEFAULTS: Readonly<Record<JobKind, Partial<JobSettings>>> = {
  io: {},
  cpu: { memoryMiB: 1769, timeoutSeconds: 60, batchSize: 1, maxConcurrency: 2 },
};

/**
 * Fills defaults, including the ones derived from other settings: the plain defaults, then the
 * kind's (`partial.kind`, default `io`), then `partial`.
 */
export function resolveJobSettings(partial: Partial<JobSettings> = {}): JobSettings {
  const given = stripUndefined(partial);
  const kind = given.kind ?? DEFAULT_JOB_SETTINGS.kind;
  const merged = { ...DEFAULT_JOB_SETTINGS, ...(KIND_DEFAULTS[kind] ?? {}), ...given, kind };
  return {
    ...merged,
    reservedConcurrency: partial.reservedConcurrency ?? merged.maxConcurrency,
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

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
