/**
 * How `wait` paces its polls: the server's `Retry-After` when it sends one, otherwise a capped
 * exponential backoff.
 */

/** Pacing of polls when the server gives no `Retry-After`. */
export interface BackoffOptions {
  /** @default 500 */
  readonly initialDelayMs?: number;
  /** @default 10_000 */
  readonly maxDelayMs?: number;
}

/**
 * The delay a `Retry-After` header asks for: delta-seconds (`2`) or an HTTP-date; undefined
 * when absent or malformed.
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The delay before unhinted poll `n` (0-based): `initialDelayMs * 2^n`, at most `maxDelayMs`.
 * @example backoffDelayMs(3) // 4000
 */
export function backoffDelayMs(n: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? 500;
  const max = options.maxDelayMs ?? 10_000;
  return Math.min(max, initial * 2 ** Math.min(n, 30));
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
