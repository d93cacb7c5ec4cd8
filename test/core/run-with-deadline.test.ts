import { describe, expect, it } from 'vitest';
import { JobCanceledError, JobTimeoutError } from '../../lambdas/core/errors';
import { runWithDeadline } from '../../lambdas/core/run-with-deadline';

const forever = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

describe('runWithDeadline', () => {
  it('returns what the work returns', async () => {
    expect(await runWithDeadline(1_000, async () => 42)).toBe(42);
  });

  it('aborts the work and throws JobTimeoutError at the deadline', async () => {
    await expect(runWithDeadline(10, forever)).rejects.toBeInstanceOf(JobTimeoutError);
  });

  it("aborts the work with the stop signal's reason, and throws it without waiting for the work", async () => {
    const stop = new AbortController();
    let seen: unknown;
    const running = runWithDeadline(
      10_000,
      (signal) =>
        new Promise<never>(() => {
          signal.addEventListener('abort', () => {
            seen = signal.reason;
          });
        }),
      stop.signal,
    );
    stop.abort(new JobCanceledError('j'));
    await expect(running).rejects.toBeInstanceOf(JobCanceledError);
    expect(seen).toBeInstanceOf(JobCanceledError);
  });

  it('throws at once when the stop signal already fired', async () => {
    const stop = new AbortController();
    stop.abort(new JobCanceledError('j'));
    await expect(runWithDeadline(10_000, forever, stop.signal)).rejects.toBeInstanceOf(JobCanceledError);
  });
});
