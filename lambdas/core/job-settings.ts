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

/** Pollers of an event source in provisioned mode (SQS: minimum 2-200, maximum 2-2,000). */
export interface PollerRange {
  /** Pollers Lambda always keeps, busy or not (an always-on cost). */
  readonly minimum: number;
  /** Pollers Lambda scales up to; the lane's concurrency ceiling is `maximum x 10`. */
  readonly maximum: number;
}

/** Lambda's limits on SQS provisioned pollers, and how many invocations one poller runs. */
export const PROVISIONED_POLLERS = {
  minimum: { min: 2, max: 200 },
  maximum: { min: 2, max: 2000 },
  invocationsPerPoller: 10,
} as const;

/**
 * Each event-source lane: the standard-mode concurrency field and the provisioned-mode field
 * that replaces it. A layer setting one of a pair clears the other from the layers below it.
 */
export const LANE_MODES = [
  { standard: 'maxConcurrency', provisioned: 'provisionedPollers' },
  { standard: 'highPriorityMaxConcurrency', provisioned: 'highPriorityProvisionedPollers' },
] as const satisfies readonly { standard: keyof JobSettings; provisioned: keyof JobSettings }[];

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
   * Most concurrent processor invocations the event source makes (2-1000). With
   * {@link JobSettings.provisionedPollers} it is not set but derived: `maximum x 10`.
   * @default 5 (io), 2 (cpu); `provisionedPollers.maximum x 10` in provisioned mode
   */
  readonly maxConcurrency: number;
  /**
   * Runs the event source in provisioned mode: Lambda keeps `minimum` to `maximum` pollers
   * (each up to 10 concurrent invocations), scales 1,000 concurrency a minute, and goes past
   * standard mode's 1,000 (up to 20,000). Replaces `maxConcurrency`: a layer (profile row, job
   * file, cdk.json) that sets one clears the other from the layers below, and one layer setting
   * both is a config error unless `maxConcurrency` is exactly `maximum x 10`.
   * @default - standard mode (`maxConcurrency`)
   */
  readonly provisionedPollers?: PollerRange;
  /**
   * Concurrency reserved for the processor; must cover both event sources: at least
   * `maxConcurrency + highPriorityMaxConcurrency` (each `maximum x 10` in provisioned mode).
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
   * Enables high-priority jobs when above 0: the stack adds a second queue (`<stack>_<name>_high`, with
   * its own DLQ) and a second event source on the same processor, with this `MaximumConcurrency`
   * (2-1000), so urgent jobs never wait behind the normal queue's backlog. 0: no second queue,
   * and a high-priority submission is refused with 400.
   * @default 0
   */
  readonly highPriorityMaxConcurrency: number;
  /**
   * The high-priority lane in provisioned mode, like {@link JobSettings.provisionedPollers}:
   * enables the lane, and its `highPriorityMaxConcurrency` is derived as `maximum x 10`.
   * @default - standard mode (`highPriorityMaxConcurrency`)
   */
  readonly highPriorityProvisionedPollers?: PollerRange;
  /**
   * Admission control: most messages waiting in the job type's queue (visible plus delayed;
   * each priority's queue counted on its own) before submit answers 429 with `Retry-After` and
   * stores nothing. 0: unlimited.
   * @default 0
   */
  readonly maxBacklog: number;
  /**
   * While a job runs, seconds between checks of its cancel flag (one eventually consistent
   * read of one attribute), so a `DELETE` stops it within this plus the handler's reaction to
   * its abort signal. The lease renewals (every 20 s) see the request too, and each one puts the
   * next check off by a whole interval; a job shorter than one interval makes no check. 0: no
   * checks, the renewals alone see the request. Otherwise
   * {@link CANCEL_CHECK_SECONDS}`.min`-`.max`.
   * @default 2
   */
  readonly cancelCheckSeconds: number;
}

/**
 * The range of {@link JobSettings.cancelCheckSeconds} (besides 0, off). Below the minimum the
 * reads cost more than a prompt cancel is worth; at the maximum, a third of the longest lease,
 * a lease renewal reads the flag first anyway.
 */
export const CANCEL_CHECK_SECONDS = { min: 0.5, max: 20 } as const;

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
  highPriorityMaxConcurrency: 0,
  maxBacklog: 0,
  cancelCheckSeconds: 2,
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
  // Provisioned mode derives the lane's ceiling; one given explicitly too is kept, for the
  // config check to report the conflict rather than hide it.
  const derived: Partial<Record<'maxConcurrency' | 'highPriorityMaxConcurrency', number>> = {};
  for (const { standard, provisioned } of LANE_MODES) {
    const pollers = given[provisioned];
    if (pollers && given[standard] === undefined) {
      derived[standard] = pollers.maximum * PROVISIONED_POLLERS.invocationsPerPoller;
    }
  }
  const merged = { ...DEFAULT_JOB_SETTINGS, ...(KIND_DEFAULTS[kind] ?? {}), ...given, ...derived, kind };
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

/**
 * Lays settings layers over each other, lowest first, like object spread, except that a layer
 * choosing a lane's mode (setting `maxConcurrency` or `provisionedPollers`, say) clears the
 * other mode's field from the layers below: the highest layer that speaks picks the mode.
 * Cleared fields stay as `undefined` keys, so the result can itself be laid over a lower layer.
 */
export function layerSettings(
  ...layers: readonly (Partial<JobSettings> | undefined)[]
): Partial<JobSettings> {
  let result: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    const given = stripUndefined(layer);
    for (const { standard, provisioned } of LANE_MODES) {
      if (given[standard] !== undefined && given[provisioned] === undefined) result[provisioned] = undefined;
      if (given[provisioned] !== undefined && given[standard] === undefined) result[standard] = undefined;
    }
    result = { ...result, ...layer };
  }
  return result as Partial<JobSettings>;
}

/** True when the job type has a high-priority queue. */
export function acceptsHighPriority(settings: Pick<JobSettings, 'highPriorityMaxConcurrency'>): boolean {
  return settings.highPriorityMaxConcurrency > 0;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
