import { describe, expect, it } from 'vitest';
import type { Job } from '../../lambdas/core/job';
import type { ProcessOutcome } from '../../lambdas/core/use-cases/process-job';
import {
  canceledPoints,
  claimedPoints,
  malformedPoints,
  outcomePoints,
  recoveredPoints,
  settledPoints,
  submittedPoints,
} from '../../lambdas/job-metric-points';
import { aJob, T0 } from '../support/jobs';

const at = (ms: number) => new Date(T0.getTime() + ms).toISOString();
const finished = (status: Job['status']) =>
  aJob({ status, attempt: 1, startedAt: at(1000), completedAt: at(3000) });
/** Points as `{ name: value }`, easy to compare whole. */
const asRecord = (points: readonly { name: string; value: number }[]) =>
  Object.fromEntries(points.map((p) => [p.name, p.value]));

describe('job metric points', () => {
  it.each<[string, ProcessOutcome, Record<string, number>]>([
    [
      'completed',
      { kind: 'completed', job: finished('Completed'), ack: true },
      { JobProcessingTime: 7, JobsCompleted: 1, JobEndToEndTime: 3000 },
    ],
    [
      'retry-scheduled',
      { kind: 'retry-scheduled', job: aJob({ status: 'Scheduled' }), delayMs: 500, ack: false },
      { JobProcessingTime: 7, JobsRetried: 1 },
    ],
    [
      'failed',
      { kind: 'failed', job: finished('Failed'), ack: true },
      { JobProcessingTime: 7, JobsFailed: 1, JobsDeadLettered: 1, JobEndToEndTime: 3000 },
    ],
    [
      'canceled (no end-to-end time: it measures the owner, not the system)',
      { kind: 'canceled', job: finished('Canceled'), ack: true },
      { JobProcessingTime: 7, JobsCanceled: 1 },
    ],
    ['skipped', { kind: 'skipped', reason: 'leased', ack: false }, {}],
    [
      'skipped after re-sending a DLQ copy (the first delivery counted it)',
      { kind: 'skipped', reason: 'dead-letter-resent', job: finished('Failed'), ack: true },
      {},
    ],
  ])('a %s outcome emits exactly its metrics', (_, outcome, expected) => {
    expect(asRecord(outcomePoints(outcome, 7))).toEqual(expected);
  });

  it('counts a claim as started, with its queue wait when known', () => {
    expect(asRecord(claimedPoints(aJob({ status: 'InProgress', attempt: 1, startedAt: at(250) })))).toEqual({
      JobsStarted: 1,
      JobQueueWaitTime: 250,
    });
    expect(
      asRecord(claimedPoints(aJob({ status: 'InProgress', attempt: 4, startedAt: at(250), history: [] }))),
    ).toEqual({ JobsStarted: 1 });
  });

  it('counts submissions, owner cancels and malformed messages', () => {
    expect(asRecord(submittedPoints())).toEqual({ JobsSubmitted: 1 });
    expect(asRecord(canceledPoints())).toEqual({ JobsCanceled: 1 });
    expect(asRecord(malformedPoints())).toEqual({ JobsDeadLettered: 1 });
  });

  it("counts the sweeper's recoveries: a reschedule is a retry, a failure is failed and dead-lettered", () => {
    expect(asRecord(recoveredPoints('rescheduled', aJob({ status: 'Scheduled' })))).toEqual({
      JobsRetried: 1,
    });
    expect(asRecord(recoveredPoints('failed', finished('Failed')))).toEqual({
      JobsFailed: 1,
      JobsDeadLettered: 1,
      JobEndToEndTime: 3000,
    });
  });

  it('counts a job the sweeper ended after SQS dead-lettered its message: failed and dead-lettered, or canceled', () => {
    expect(asRecord(settledPoints(finished('Failed')))).toEqual({
      JobsFailed: 1,
      JobsDeadLettered: 1,
      JobEndToEndTime: 3000,
    });
    expect(asRecord(settledPoints(finished('Canceled')))).toEqual({ JobsCanceled: 1 });
  });
});
