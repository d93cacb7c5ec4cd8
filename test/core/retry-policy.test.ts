import { describe, expect, it } from 'vitest';
import { InvalidInputError, PermanentJobError } from '../../lambdas/core/errors';
import { decideRetry, isPermanent, type RetryPolicy } from '../../lambdas/core/retry-policy';

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 1_000, maxDelayMs: 5_000 };
const almostOne = () => 0.999_999;

describe('decideRetry', () => {
  it('retries a transient error while retries remain', () => {
    for (const attempt of [1, 2, 3]) {
      expect(decideRetry(policy, attempt, new Error('x'), () => 0.5).retry).toBe(true);
    }
  });

  it('gives up after maxRetries retries (attempt maxRetries + 1 is the last)', () => {
    expect(decideRetry(policy, 4, new Error('x'))).toEqual({ retry: false, reason: 'exhausted' });
  });

  it('never retries a permanent error, even on the first attempt', () => {
    expect(decideRetry(policy, 1, new PermanentJobError('no'))).toEqual({
      retry: false,
      reason: 'permanent',
    });
    expect(decideRetry(policy, 1, new InvalidInputError('bad'))).toEqual({
      retry: false,
      reason: 'permanent',
    });
    expect(decideRetry(policy, 1, Object.assign(new Error('x'), { permanent: true }))).toMatchObject({
      retry: false,
    });
  });

  it('never retries when maxRetries is 0', () => {
    expect(decideRetry({ ...policy, maxRetries: 0 }, 1, new Error('x'))).toEqual({
      retry: false,
      reason: 'exhausted',
    });
  });

  it('doubles the jitter ceiling per attempt: 1 s, 2 s, 4 s', () => {
    const ceilings = [1, 2, 3].map((attempt) => decideRetry(policy, attempt, new Error('x'), almostOne));
    expect(ceilings.map((d) => (d.retry ? Math.round(d.delayMs / 1000) : -1))).toEqual([1, 2, 4]);
  });

  it('caps the delay at maxDelayMs', () => {
    const decision = decideRetry({ ...policy, maxRetries: 20 }, 15, new Error('x'), almostOne);
    expect(decision).toEqual({ retry: true, delayMs: 4_999 });
  });

  it('keeps full-jitter delays within [0, ceiling) for any random value', () => {
    for (let i = 0; i <= 100; i++) {
      const r = i / 101;
      for (const attempt of [1, 2, 3]) {
        const decision = decideRetry(policy, attempt, new Error('x'), () => r);
        const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
        if (!decision.retry) throw new Error('expected a retry');
        expect(decision.delayMs).toBeGreaterThanOrEqual(0);
        expect(decision.delayMs).toBeLessThan(ceiling);
      }
    }
  });

  it('spreads delays rather than sending retries back together', () => {
    const delays = new Set(
      Array.from({ length: 50 }, () => {
        const d = decideRetry(policy, 3, new Error('x'));
        return d.retry ? d.delayMs : -1;
      }),
    );
    expect(delays.size).toBeGreaterThan(10);
  });
});

describe('isPermanent', () => {
  it('treats plain errors and non-errors as transient', () => {
    expect(isPermanent(new Error('x'))).toBe(false);
    expect(isPermanent('boom')).toBe(false);
    expect(isPermanent(null)).toBe(false);
  });
});
