import { describe, expect, it } from 'vitest';
import { InMemoryDeadLetters } from '../../lambdas/adapters/in-memory-dead-letters';
import { InMemoryJobQueue } from '../../lambdas/adapters/in-memory-job-queue';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import type { Job } from '../../lambdas/core/job';
import type { JobQueue } from '../../lambdas/core/ports';
import { type RedriveRequest, redriveDeadLetters } from '../../lambdas/core/use-cases/redrive-dead-letters';
import { aJob, ManualClock, silentLogger, T0 } from '../support/jobs';

const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const failedJob = (n: number, overrides: Partial<Job> = {}) =>
  aJob({
    id: idOf(n),
    status: 'Failed',
    attempt: 4,
    retryCount: 3,
    error: { code: 'BOOM', message: 'it broke' },
    history: [{ attempt: 4, outcome: 'failed', errorCode: 'BOOM' }],
    ...overrides,
  });

async function setup(jobs: Job[], letters: (string | undefined)[], queue: JobQueue = new InMemoryJobQueue()) {
  const store = new InMemoryJobStore();
  for (const job of jobs) await store.create(job);
  const deadLetters = new InMemoryDeadLetters();
  for (const id of letters) deadLetters.add(id);
  const clock = new ManualClock();
  const sleeps: number[] = [];
  const deps = {
    store,
    queue,
    deadLetters,
    clock,
    logger: silentLogger,
    retentionSeconds: 3_600,
    timeBudgetMs: 20_000,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  };
  const redrive = (request: Partial<RedriveRequest> = {}) =>
    redriveDeadLetters(deps, { name: 'echo', max: 100, ratePerSecond: 500, ...request });
  return { store, deadLetters, clock, sleeps, queue, redrive };
}

describe('redriveDeadLetters', () => {
  it('moves every dead letter: each Failed job reset to Queued, re-sent, and its dead letter deleted', async () => {
    const ids = [1, 2, 3].map(idOf);
    const { store, deadLetters, queue, redrive } = await setup(
      [1, 2, 3].map((n) => failedJob(n)),
      ids,
    );
    const result = await redrive();
    expect(result).toEqual({
      moved: 3,
      stale: 0,
      skipped: 0,
      notFound: 0,
      errors: 0,
      complete: true,
      stoppedBy: 'drained',
    });
    expect((queue as InMemoryJobQueue).sent.map((m) => m.id)).toEqual(ids);
    expect(deadLetters.remaining).toEqual([]);
    for (const id of ids) {
      const job = await store.get(id);
      expect(job).toMatchObject({
        status: 'Queued',
        retryCount: 0,
        attempt: 4,
        requeuedAtAttempt: 4,
        history: [{ attempt: 4, outcome: 'failed', errorCode: 'BOOM' }],
        expiresAt: T0.getTime() / 1000 + 3_600,
      });
      expect(job?.error).toBeUndefined();
    }
  });

  it('moves only the selected jobs and leaves the others in the DLQ, visible again', async () => {
    const { store, deadLetters, queue, redrive } = await setup(
      [1, 2, 3, 4].map((n) => failedJob(n)),
      [1, 2, 3, 4].map(idOf),
    );
    const result = await redrive({ jobIds: [idOf(2), idOf(4)] });
    expect(result).toMatchObject({ moved: 2, skipped: 2, complete: true, stoppedBy: 'all-selected' });
    expect((queue as InMemoryJobQueue).sent.map((m) => m.id)).toEqual([idOf(2), idOf(4)]);
    expect(deadLetters.remaining).toEqual([idOf(1), idOf(3)]);
    expect(deadLetters.released).toEqual(['h1', 'h3']);
    expect((await store.get(idOf(1)))?.status).toBe('Failed');
    // The left ones can be received again.
    expect(await deadLetters.receive(10)).toHaveLength(2);
  });

  it('stops a selective run once every selected job is found, without scanning the rest', async () => {
    const letters = Array.from({ length: 25 }, (_, i) => idOf(i + 1));
    const { deadLetters, redrive } = await setup(
      letters.map((_, i) => failedJob(i + 1)),
      letters,
    );
    const result = await redrive({ jobIds: [idOf(3)] });
    expect(result).toMatchObject({ moved: 1, skipped: 2, stoppedBy: 'all-selected', complete: true });
    expect(deadLetters.receives).toHaveLength(1);
    expect(deadLetters.remaining).toHaveLength(24);
  });

  it('says a selective run is complete when the DLQ drained before every selected job was met', async () => {
    const { redrive } = await setup([failedJob(1)], [idOf(1)]);
    expect(await redrive({ jobIds: [idOf(1), idOf(9)] })).toMatchObject({
      moved: 1,
      stoppedBy: 'drained',
      complete: true,
    });
  });

  it('deletes a dead letter whose job is no longer Failed as stale, and one whose record is gone as notFound', async () => {
    const { deadLetters, queue, redrive } = await setup(
      [failedJob(1, { status: 'Queued' }), failedJob(2, { status: 'Completed' })],
      [idOf(1), idOf(2), idOf(3)],
    );
    expect(await redrive()).toMatchObject({ moved: 0, stale: 2, notFound: 1, complete: true });
    expect(deadLetters.remaining).toEqual([]);
    expect((queue as InMemoryJobQueue).sent).toEqual([]);
  });

  it('moves a job once when the DLQ holds two copies of it, deleting the second as stale', async () => {
    const { deadLetters, queue, redrive } = await setup([failedJob(1)], [idOf(1), idOf(1)]);
    expect(await redrive()).toMatchObject({ moved: 1, stale: 1 });
    expect((queue as InMemoryJobQueue).sent).toHaveLength(1);
    expect(deadLetters.remaining).toEqual([]);
  });

  it('stops at max and says it is not complete; the rest stay in the DLQ, visible', async () => {
    const letters = [1, 2, 3, 4, 5].map(idOf);
    const { deadLetters, redrive } = await setup(
      [1, 2, 3, 4, 5].map((n) => failedJob(n)),
      letters,
    );
    const result = await redrive({ max: 3 });
    expect(result).toMatchObject({ moved: 3, complete: false, stoppedBy: 'max' });
    // It never received more than max.
    expect(deadLetters.receives[0]).toBe(3);
    expect(deadLetters.remaining).toEqual([idOf(4), idOf(5)]);
    expect(await deadLetters.receive(10)).toHaveLength(2);
  });

  it('paces the moves to ratePerSecond', async () => {
    const { sleeps, clock, redrive } = await setup(
      [1, 2, 3, 4].map((n) => failedJob(n)),
      [1, 2, 3, 4].map(idOf),
    );
    await redrive({ ratePerSecond: 2 });
    expect(sleeps).toEqual([500, 500, 500]);
    expect(clock.now().getTime() - T0.getTime()).toBe(1_500);
  });

  it('stops when the time budget runs out, releasing what it received but did not handle', async () => {
    const letters = [1, 2, 3, 4, 5].map(idOf);
    const { deadLetters, redrive } = await setup(
      [1, 2, 3, 4, 5].map((n) => failedJob(n)),
      letters,
    );
    // One per second, 20 s budget... so at 0.1/s only two fit (t = 0 and t = 10 s).
    const result = await redrive({ ratePerSecond: 0.1 });
    expect(result).toMatchObject({ moved: 2, complete: false, stoppedBy: 'time-budget' });
    expect(deadLetters.remaining).toEqual([idOf(3), idOf(4), idOf(5)]);
    expect(deadLetters.released).toEqual(['h3', 'h4', 'h5']);
  });

  it('counts an unreadable dead letter as an error and leaves it', async () => {
    const { deadLetters, redrive } = await setup([failedJob(1)], [undefined, idOf(1)]);
    expect(await redrive()).toMatchObject({ moved: 1, errors: 1, complete: true });
    expect(deadLetters.remaining).toEqual([undefined]);
  });

  it('leaves a dead letter of another job type as an error', async () => {
    const { deadLetters, redrive } = await setup([failedJob(1, { name: 'sleep' })], [idOf(1)]);
    expect(await redrive()).toMatchObject({ moved: 0, errors: 1 });
    expect(deadLetters.remaining).toEqual([idOf(1)]);
  });

  it('puts the job back to Failed and keeps the dead letter when the send fails', async () => {
    const broken: JobQueue = {
      enqueue: async () => {
        throw new Error('SQS down');
      },
    };
    const { store, deadLetters, redrive } = await setup([failedJob(1)], [idOf(1)], broken);
    expect(await redrive()).toMatchObject({ moved: 0, errors: 1, complete: true });
    expect(await store.get(idOf(1))).toMatchObject({ status: 'Failed', error: { code: 'BOOM' }, version: 3 });
    expect(deadLetters.remaining).toEqual([idOf(1)]);
    expect(deadLetters.released).toEqual(['h1']);
  });

  it('treats a job its owner retried between the read and the write as stale', async () => {
    const { store, deadLetters, queue, redrive } = await setup([failedJob(1)], [idOf(1)]);
    const update = store.update.bind(store);
    let raced = false;
    store.update = async (next) => {
      if (!raced) {
        raced = true;
        const current = (await store.get(next.id)) as Job;
        await update({ ...current, status: 'Queued', version: current.version + 1 });
      }
      return update(next);
    };
    expect(await redrive()).toMatchObject({ moved: 0, stale: 1 });
    expect((queue as InMemoryJobQueue).sent).toEqual([]);
    expect(deadLetters.remaining).toEqual([]);
  });

  it('leaves copies sent after the run began, so a job that fails again at once is moved only once', async () => {
    const store = new InMemoryJobStore();
    const deadLetters = new InMemoryDeadLetters();
    const clock = new ManualClock();
    // The processor at its fastest: the re-sent job fails again and is dead-lettered at once.
    const queue: JobQueue = {
      enqueue: async ({ id }) => {
        const job = (await store.get(id)) as Job;
        await store.update({ ...job, status: 'Failed', version: job.version + 1 });
        clock.advance(1);
        deadLetters.add(id, clock.now());
      },
    };
    await store.create(failedJob(1));
    deadLetters.add(idOf(1), new Date(T0.getTime() - 60_000));
    const result = await redriveDeadLetters(
      { store, queue, deadLetters, clock, logger: silentLogger, retentionSeconds: 60, sleep: async () => {} },
      { name: 'echo', max: 100, ratePerSecond: 500 },
    );
    expect(result).toMatchObject({ moved: 1, skipped: 1, complete: true, stoppedBy: 'drained' });
    expect(deadLetters.remaining).toEqual([idOf(1)]);
  });

  it('answers a drained run at once when the DLQ is empty', async () => {
    const { redrive } = await setup([], []);
    expect(await redrive()).toEqual({
      moved: 0,
      stale: 0,
      skipped: 0,
      notFound: 0,
      errors: 0,
      complete: true,
      stoppedBy: 'drained',
    });
  });
});
