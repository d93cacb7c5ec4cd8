import { describe, expect, it } from 'vitest';
import { endToEndMs, queueWaitMs } from '../../lambdas/core/job-timings';
import { aJob, T0 } from '../support/jobs';

const at = (ms: number) => new Date(T0.getTime() + ms).toISOString();

describe('queueWaitMs', () => {
  it.each([
    [
      'a first attempt: submit to claim',
      aJob({ status: 'InProgress', attempt: 1, startedAt: at(1500) }),
      1500,
    ],
    [
      'a retry: end of backoff to claim, the backoff itself not counted',
      aJob({
        status: 'InProgress',
        attempt: 2,
        startedAt: at(10_250),
        retryDelayUntil: at(10_000),
        history: [{ attempt: 1, startedAt: at(100), endedAt: at(200), outcome: 'retry-scheduled' }],
      }),
      250,
    ],
    [
      'a job the sweeper rescheduled after a dead worker: reschedule to claim',
      aJob({
        status: 'InProgress',
        attempt: 2,
        startedAt: at(90_400),
        retryDelayUntil: at(90_000),
        history: [{ attempt: 1, startedAt: at(100), endedAt: at(90_000), outcome: 'abandoned' }],
      }),
      400,
    ],
    [
      'a claim before its time on a skewed clock: never negative',
      aJob({ status: 'InProgress', attempt: 1, startedAt: at(-5) }),
      0,
    ],
  ])('measures %s', (_, job, expected) => {
    expect(queueWaitMs(job)).toBe(expected);
  });

  it.each([
    [
      "a dead worker's job re-claimed straight from the queue (no recorded outcome in between)",
      aJob({
        status: 'InProgress',
        attempt: 3,
        startedAt: at(5000),
        retryDelayUntil: at(1000),
        history: [{ attempt: 1, outcome: 'retry-scheduled' }],
      }),
    ],
    [
      'the first attempt after an owner retry or a redrive (requeue time not on the record)',
      aJob({
        status: 'InProgress',
        attempt: 2,
        startedAt: at(5000),
        requeuedAtAttempt: 1,
        history: [{ attempt: 1, outcome: 'failed' }],
      }),
    ],
    ['a record without startedAt', aJob({ status: 'InProgress', attempt: 1 })],
  ])('leaves out %s', (_, job) => {
    expect(queueWaitMs(job)).toBeUndefined();
  });
});

describe('endToEndMs', () => {
  it('measures submission to the terminal state', () => {
    expect(endToEndMs(aJob({ status: 'Completed', completedAt: at(42_000) }))).toBe(42_000);
  });

  it('is undefined while the job is unfinished', () => {
    expect(endToEndMs(aJob({ status: 'InProgress', startedAt: at(10) }))).toBeUndefined();
  });
});
