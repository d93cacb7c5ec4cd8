import { JobTimeoutError } from './errors';

/**
 * Runs `work` until it settles or `timeoutMs` passes, whichever is first. On timeout the
 * signal handed to `work` fires and {@link JobTimeoutError} is thrown; work that ignores the
 * signal keeps running in the background, but its outcome is no longer recorded.
 */
export async function runWithDeadline<T>(
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        const error = new JobTimeoutError(timeoutMs);
        controller.abort(error);
        reject(error);
      },
      Math.max(0, timeoutMs),
    );
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
