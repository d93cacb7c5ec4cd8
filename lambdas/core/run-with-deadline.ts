import { JobTimeoutError } from './errors';

/**
 * Runs `work` until it settles, `timeoutMs` passes or `stop` fires, whichever is first. On
 * timeout the signal handed to `work` fires and {@link JobTimeoutError} is thrown; when `stop`
 * fires, the signal fires with `stop`'s reason and that reason is thrown. Work that ignores the
 * signal keeps running in the background, but its outcome is no longer recorded.
 */
export async function runWithDeadline<T>(
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
  stop?: AbortSignal,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onStop: (() => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        const error = new JobTimeoutError(timeoutMs);
        controller.abort(error);
        reject(error);
      },
      Math.max(0, timeoutMs),
    );
    if (stop) {
      onStop = () => {
        controller.abort(stop.reason);
        reject(stop.reason);
      };
      if (stop.aborted) onStop();
      else stop.addEventListener('abort', onStop, { once: true });
    }
  });
  try {
    return await Promise.race([work(controller.signal), interrupted]);
  } finally {
    clearTimeout(timer);
    if (onStop) stop?.removeEventListener('abort', onStop);
  }
}
