import { describe, expect, it } from 'vitest';
import { InMemoryDeadLetters } from '../../lambdas/adapters/in-memory-dead-letters';
import { InMemoryJobQueue } from '../../lambdas/adapters/in-memory-job-queue';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import type { Job, JobErrorInfo } from '../../lambdas/core/job';
import { toJobView } from '../../lambdas/core/job';
import type { DeadLetterQueue } from '../../lambdas/core/ports';
import {
  LanesDeadLetterSource,
  laneOf,
  PriorityDeadLetterQueue,
  PriorityJobQueue,
  priorityOf,
} from '../../lambdas/core/priority';
import { redriveDeadLetters } from '../../lambdas/core/use-cases/redrive-dead-letters';
import { retryJob } from '../../lambdas/core/use-cases/retry-job';
import { sweepJobs } from '../../lambdas/core/use-cases/sweep-jobs';
import { aJob, ManualClock, silentLogger, T0 } from '../support/jobs';

const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function lanes() {
  const normal = new InMemoryJobQueue();
  const high = new InMemoryJobQueue();
  return { normal, high, queue: new PriorityJobQueue({ normal, high }) };
}

describe('priorityOf / laneOf', () => {
  it('reads a record without a priority as normal', () => {
    expect(priorityOf({})).toBe('normal');
    expect(toJobView(aJob()).priority).toBe('normal');
    expect(toJobView(aJob({ priority: 'high' })).priority).toBe('high');
  });

  it.each([
    ['normal', { normal: 'N', high: 'H' }, 'N'],
    ['high', { normal: 'N', high: 'H' }, 'H'],
    ['high', { normal: 'N' }, 'N'],
    [undefined, { normal: 'N', high: 'H' }, 'N'],
  ] as const)('puts a %s job with lanes %j in %s', (priority, given, expected) => {
    expect(laneOf(given, priority ? { priority } : {})).toBe(expected);
  });
});

describe('PriorityJobQueue', () => {
  it("sends each job to its priority's queue", async () => {
    const { normal, high, queue } = lanes();
    await queue.enqueue({ id: 'a', name: 'echo', priority: 'high' });
    await queue.enqueue({ id: 'b', name: 'echo', priority: 'normal' });
    await queue.enqueue({ id: 'c', name: 'echo' });
    expect(high.sent.map((m) => m.id)).toEqual(['a']);
    expect(normal.sent.map((m) => m.id)).toEqual(['b', 'c']);
  });
});

describe('PriorityDeadLetterQueue', () => {
  it("copies each job to its priority's DLQ", async () => {
    const got: Record<string, string[]> = { normal: [], high: [] };
    const dlq = (lane: string): DeadLetterQueue => ({
      send: async (job) => {
        got[lane]?.push(job.id);
      },
    });
    const queue = new PriorityDeadLetterQueue({ normal: dlq('normal'), high: dlq('high') });
    const error: JobErrorInfo = { code: 'X', message: 'x' };
    await queue.send({ id: 'a', name: 'echo', priority: 'high' }, error);
    await queue.send({ id: 'b', name: 'echo' }, error);
    expect(got).toEqual({ normal: ['b'], high: ['a'] });
  });
});

describe('LanesDeadLetterSource', () => {
  it('drains the high DLQ first, then the normal one, and acts on the queue each handle came from', async () => {
    const normal = new InMemoryDeadLetters();
    const high = new InMemoryDeadLetters();
    normal.add('n1');
    normal.add('n2');
    high.add('h1');
    const source = new LanesDeadLetterSource({ normal, high });
    const first = await source.receive(10);
    expect(first.map((l) => l.jobId)).toEqual(['h1']);
    const second = await source.receive(10);
    expect(second.map((l) => l.jobId)).toEqual(['n1', 'n2']);
    expect(await source.receive(10)).toEqual([]);
    await source.remove((first[0] as { handle: string }).handle);
    await source.release((second[0] as { handle: string }).handle);
    await source.remove((second[1] as { handle: string }).handle);
    expect(high.removed).toHaveLength(1);
    expect(normal.released).toHaveLength(1);
    expect(normal.removed).toHaveLength(1);
    expect(high.remaining).toEqual([]);
    expect(normal.remaining).toEqual(['n1']);
  });

  it('does not ask a drained DLQ again in the same run', async () => {
    const normal = new InMemoryDeadLetters();
    const high = new InMemoryDeadLetters();
    for (let i = 0; i < 12; i++) normal.add(`n${i}`);
    const source = new LanesDeadLetterSource({ normal, high });
    await source.receive(10);
    await source.receive(10);
    expect(high.receives).toHaveLength(1);
    expect(normal.receives).toHaveLength(2);
  });

  it('refuses a handle it did not issue', async () => {
    const source = new LanesDeadLetterSource({ normal: new InMemoryDeadLetters() });
    await expect(source.remove('h1')).rejects.toThrow(/handle/);
  });
});

describe('a high-priority job stays high whenever it is queued again', () => {
  const failed = (fields: Partial<Job> = {}) =>
    aJob({
      id: idOf(1),
      status: 'Failed',
      attempt: 4,
      retryCount: 3,
      priority: 'high',
      error: { code: 'BOOM', message: 'it broke' },
      ...fields,
    });

  it('owner retry', async () => {
    const { normal, high, queue } = lanes();
    const store = new InMemoryJobStore();
    const job = failed();
    await store.create(job);
    await retryJob(
      {
        store,
        queueFor: () => queue,
        clock: new ManualClock(),
        logger: silentLogger,
        retentionSeconds: 3_600,
      },
      { owner: job.owner, id: job.id },
    );
    expect(high.sent.map((m) => m.id)).toEqual([job.id]);
    expect(normal.sent).toEqual([]);
  });

  it('redrive, from either DLQ', async () => {
    const { normal, high, queue } = lanes();
    const store = new InMemoryJobStore();
    await store.create(failed());
    await store.create(failed({ id: idOf(2), priority: 'normal' }));
    const normalDlq = new InMemoryDeadLetters();
    const highDlq = new InMemoryDeadLetters();
    highDlq.add(idOf(1));
    normalDlq.add(idOf(2));
    const clock = new ManualClock();
    const result = await redriveDeadLetters(
      {
        store,
        queue,
        deadLetters: new LanesDeadLetterSource({ normal: normalDlq, high: highDlq }),
        clock,
        sleep: async (ms) => clock.advance(ms),
        logger: silentLogger,
        retentionSeconds: 3_600,
      },
      { name: 'echo', max: 10, ratePerSecond: 500 },
    );
    expect(result).toMatchObject({ moved: 2, complete: true });
    expect(high.sent.map((m) => m.id)).toEqual([idOf(1)]);
    expect(normal.sent.map((m) => m.id)).toEqual([idOf(2)]);
    expect(highDlq.remaining).toEqual([]);
    expect(normalDlq.remaining).toEqual([]);
  });

  it('the sweeper, for a lost message and for a dead worker', async () => {
    const { normal, high, queue } = lanes();
    const store = new InMemoryJobStore();
    const now = new Date(T0.getTime() + 3_600_000);
    const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
    await store.create(aJob({ id: idOf(1), priority: 'high', lastUpdatedAt: ago(30) }));
    await store.create(
      aJob({
        id: idOf(2),
        priority: 'high',
        status: 'InProgress',
        attempt: 1,
        lastUpdatedAt: ago(5),
        leaseOwner: 'w',
        leaseExpiresAt: ago(2),
      }),
    );
    const result = await sweepJobs({
      store,
      clock: new ManualClock(now),
      logger: silentLogger,
      queueFor: () => queue,
      deadLetterQueueFor: () => ({ send: async () => {} }),
      staleAfterSecondsFor: () => 900,
      retentionSeconds: 3_600,
      maxJobsPerRun: 100,
    });
    expect(result).toMatchObject({ requeued: 1, rescheduled: 1 });
    expect(high.sent.map((m) => m.id).sort()).toEqual([idOf(1), idOf(2)]);
    expect(normal.sent).toEqual([]);
  });
});
