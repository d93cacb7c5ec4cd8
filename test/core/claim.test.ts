import { describe, expect, it } from 'vitest';
import { canClaim } from '../../lambdas/core/claim';
import { aJob, T0 } from '../support/jobs';

const now = new Date(T0.getTime() + 60_000);
const before = new Date(now.getTime() - 1).toISOString();
const after = new Date(now.getTime() + 1).toISOString();

describe('canClaim', () => {
  it.each([
    ['a queued job', aJob({ status: 'Queued' }), true],
    ['a scheduled job whose delay passed', aJob({ status: 'Scheduled', retryDelayUntil: before }), true],
    [
      'a scheduled job due exactly now',
      aJob({ status: 'Scheduled', retryDelayUntil: now.toISOString() }),
      true,
    ],
    ['a scheduled job not yet due', aJob({ status: 'Scheduled', retryDelayUntil: after }), false],
    ['a running job with a live lease', aJob({ status: 'InProgress', leaseExpiresAt: after }), false],
    ['a running job whose lease expired', aJob({ status: 'InProgress', leaseExpiresAt: before }), true],
    ['a completed job', aJob({ status: 'Completed' }), false],
    ['a failed job', aJob({ status: 'Failed' }), false],
    ['a canceled job', aJob({ status: 'Canceled' }), false],
  ])('%s: %s', (_label, job, expected) => {
    expect(canClaim(job, now)).toBe(expected);
  });
});
