import { describe, expect, it } from 'vitest';
import { MAX_HISTORY, withAttempt } from '../../lambdas/core/attempt-history';
import { aJob, T0 } from '../support/jobs';

const now = new Date(T0.getTime() + 1_000);
const started = T0.toISOString();

describe('withAttempt', () => {
  it('records the attempt that just ended, with its start, end, outcome and error code', () => {
    const job = aJob({ status: 'InProgress', attempt: 1, startedAt: started });
    expect(withAttempt(job, 'retry-scheduled', now, 'TIMEOUT')).toEqual([
      {
        attempt: 1,
        startedAt: started,
        endedAt: now.toISOString(),
        outcome: 'retry-scheduled',
        errorCode: 'TIMEOUT',
      },
    ]);
  });

  it('keeps earlier attempts and adds no error code on success', () => {
    const job = aJob({
      attempt: 2,
      startedAt: started,
      history: [
        { attempt: 1, startedAt: started, endedAt: started, outcome: 'retry-scheduled', errorCode: 'E' },
      ],
    });
    const history = withAttempt(job, 'completed', now);
    expect(history.map((h) => [h.attempt, h.outcome, h.errorCode])).toEqual([
      [1, 'retry-scheduled', 'E'],
      [2, 'completed', undefined],
    ]);
  });

  it('accounts for attempts whose worker died before recording anything', () => {
    const job = aJob({
      attempt: 4,
      startedAt: started,
      history: [{ attempt: 1, outcome: 'retry-scheduled' }],
    });
    expect(withAttempt(job, 'failed', now, 'X').map((h) => [h.attempt, h.outcome])).toEqual([
      [1, 'retry-scheduled'],
      [2, 'abandoned'],
      [3, 'abandoned'],
      [4, 'failed'],
    ]);
  });

  it(`keeps only the last ${MAX_HISTORY} attempts`, () => {
    const history = withAttempt(aJob({ attempt: 60 }), 'failed', now);
    expect(history).toHaveLength(MAX_HISTORY);
    expect(history.at(0)?.attempt).toBe(60 - MAX_HISTORY + 1);
    expect(history.at(-1)).toMatchObject({ attempt: 60, outcome: 'failed' });
  });
});
