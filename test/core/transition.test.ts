import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../../lambdas/core/errors';
import { ALL_STATUSES, isTerminal, type JobStatus } from '../../lambdas/core/job-status';
import { transition } from '../../lambdas/core/transition';
import { aJob, T0 } from '../support/jobs';

// Written out independently of TRANSITIONS, so a change to the table must change this too.
const LEGAL = new Set([
  'Queued>InProgress',
  'Queued>Canceled',
  'Queued>Failed',
  'Scheduled>InProgress',
  'Scheduled>Queued',
  'Scheduled>Canceled',
  'Scheduled>Failed',
  'InProgress>InProgress',
  'InProgress>Completed',
  'InProgress>Scheduled',
  'InProgress>Failed',
  'InProgress>Canceled',
  'Failed>Queued',
]);

const pairs = ALL_STATUSES.flatMap((from) => ALL_STATUSES.map((to) => [from, to] as [JobStatus, JobStatus]));
const later = new Date(T0.getTime() + 5_000);

describe('transition', () => {
  it.each(pairs.filter(([f, t]) => LEGAL.has(`${f}>${t}`)))('allows %s -> %s', (from, to) => {
    const next = transition(aJob({ status: from }), to, later);
    expect(next.status).toBe(to);
    expect(next.version).toBe(2);
    expect(next.lastUpdatedAt).toBe(later.toISOString());
  });

  it.each(pairs.filter(([f, t]) => !LEGAL.has(`${f}>${t}`)))('refuses %s -> %s', (from, to) => {
    const job = aJob({ status: from });
    expect(() => transition(job, to, later)).toThrow(InvalidTransitionError);
    expect(() => transition(job, to, later)).toThrow(`from ${from} to ${to}`);
  });

  it('keeps Completed and Canceled final', () => {
    for (const to of ALL_STATUSES) {
      expect(() => transition(aJob({ status: 'Completed' }), to, later)).toThrow(InvalidTransitionError);
      expect(() => transition(aJob({ status: 'Canceled' }), to, later)).toThrow(InvalidTransitionError);
    }
  });

  it('stamps startedAt when a job starts and keeps its lease', () => {
    const next = transition(aJob(), 'InProgress', later, {
      leaseOwner: 'w1',
      leaseExpiresAt: 'x',
      attempt: 1,
    });
    expect(next).toMatchObject({
      startedAt: later.toISOString(),
      leaseOwner: 'w1',
      leaseExpiresAt: 'x',
      attempt: 1,
    });
    expect(next.completedAt).toBeUndefined();
  });

  it.each(ALL_STATUSES.filter(isTerminal))('stamps completedAt and drops the lease on %s', (to) => {
    const running = aJob({ status: 'InProgress', leaseOwner: 'w1', leaseExpiresAt: 'x' });
    const next = transition(running, to, later);
    expect(next.completedAt).toBe(later.toISOString());
    expect(next).not.toHaveProperty('leaseOwner');
    expect(next).not.toHaveProperty('leaseExpiresAt');
  });

  it('clears completedAt when a failed job is queued again', () => {
    const failed = aJob({
      status: 'Failed',
      completedAt: T0.toISOString(),
      error: { code: 'X', message: 'x' },
    });
    const next = transition(failed, 'Queued', later, { error: undefined });
    expect(next).not.toHaveProperty('completedAt');
    expect(next).not.toHaveProperty('error');
  });

  it('does not mutate the job it was given', () => {
    const job = aJob();
    transition(job, 'InProgress', later);
    expect(job).toEqual(aJob());
  });
});
