import { InvalidInputError, PermanentJobError } from './errors';

/** How a job type retries. Delays are exponential with full jitter, capped. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** Delay scale: the n-th retry waits up to `baseDelayMs * 2^(n-1)`. */
  readonly baseDelayMs: number;
  /** Upper bound of any single delay. */
  readonly maxDelayMs: number;
}

export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: 'permanent' | 'exhausted' };

/**
 * Errors that retrying cannot fix: {@link PermanentJobError}, an input that fails the job
 * type's schema, or any error flagged `permanent: true`.
 */
export function isPermanent(error: unknown): boolean {
  return (
    error instanceof PermanentJobError ||
    error instanceof InvalidInputError ||
    (typeof error === 'object' && error !== null && (error as { permanent?: unknown }).permanent === true)
  );
}

/**
 * Decides what follows a failed attempt, pure.
 *
 * `attempt` is the 1-based number of the attempt that just failed, so `maxRetries: 3` allows
 * attempts 1 to 4. Errors are transient unless {@link isPermanent}. The delay is "full jitter"
 * (uniform in [0, min(cap, base * 2^(attempt-1))]), which spreads retries of jobs that failed
 * together instead of sending them back in one wave.
 *
 * @param random a source of numbers in [0, 1); injected so tests can pin the jitter.
 */
export function decideRetry(
  policy: RetryPolicy,
  attempt: number,
  error: unknown,
  random: () => number = Math.random,
): RetryDecision {
  if (isPermanent(error)) return { retry: false, reason: 'permanent' };
  if (attempt > policy.maxRetries) return { retry: false, reason: 'exhausted' };
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return { retry: true, delayMs: Math.floor(random() * ceiling) };
}
