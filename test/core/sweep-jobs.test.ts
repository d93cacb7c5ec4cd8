import { describe, expect, it } from 'vitest';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import { JobVersionConflictError } from '../../lambdas/core/errors';
import type { Job, JobErrorInfo } from '../../lambdas/core/job';
import type { DeadLetterQueue, JobQueue } from '../../lambdas/core/ports';
import { type SweepJobsDeps, sweepJobs, WORKER_LOST } from '../../lambdas/core/use-cases/sweep-jobs';
import { DEFAULT_TABLE_SHARDS, shardOf } from '../../lambdas/table-schema';
import { aJob, countingReads, ManualClock, silentLogger, T0 } from '../support/jobs';

const activeShardOf = (id: string) => shardOf(id, DEFAULT_TABLE_SHARDS.activeShards);

const MINUTE = 60_000;
/** The sweep runs an hour after T0; stale-after is 15 minutes for `echo`. */
const NOW = new Date(T0.getTime() + 60 * MINUTE);
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * MINUTE).toISOString();

function setup(overrides: Partial<SweepJobsDeps> = {}) {
  const store = new InMemoryJobStore();
  const sent: { id: string; name: string }[] = [];
  const deadLettered: { job: { id: string; name: string }; error: JobErrorInfo }[] = [];
  const queue: JobQueue = {
    enqueue: async (job) => {
      sent.push({ id: job.id, name: job.name });
    },
  };
  const dlq: DeadLetterQueue = {
    send: async (job, error) => {
      deadLettered.push({ job: { id: job.id, name: job.name }, error });
    },
  };
  const deps: SweepJobsDeps = {
    store,
    clock: new ManualClock(NOW),
    logger: silentLogger,
    queueFor: (name) => (name === 'echo' ? queue : undefined),
    deadLetterQueueFor: (name) => (name === 'echo' ? dlq : undefined),
    staleAfterSecondsFor: (name) => (name === 'echo' ? 900 : undefined),
    retentionSeconds: 86_400,
    maxJobsPerRun: 500,
    ...overrides,
  };
  return { store, sent, deadLettered, deps };
}

const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A job whose worker died: InProgress, lease expired 2 minutes ago. */
function deadWorkerJob(fields: Partial<Job> = {}): Job {
  return aJob({
    id: idOf(1),
    status: 'InProgress',
    attempt: 1,
    startedAt: ago(5),
    lastUpdatedAt: ago(4),
    leaseOwner: 'worker-1',
    leaseExpiresAt: ago(2),
    version: 2,
    ...fields,
  });
}

describe('sweepJobs', () => {
  it('reschedules a job whose worker died, with retries left, and sends its message again', async () => {
    const { store, sent, deadLettered, deps } = setup();
    await store.create(deadWorkerJob());
    const result = await sweepJobs(deps);
    expect(result).toEqual({ examined: 1, rescheduled: 1, failed: 0, requeued: 0, skipped: 0 });
    const job = await store.get(idOf(1));
    expect(job).toMatchObject({
      status: 'Scheduled',
      retryCount: 1,
      retryDelayUntil: NOW.toISOString(),
      lastUpdatedAt: NOW.toISOString(),
      error: { code: WORKER_LOST },
      version: 3,
    });
    expect(job?.leaseOwner).toBeUndefined();
    expect(job?.history).toEqual([
      {
        attempt: 1,
        startedAt: ago(5),
        endedAt: NOW.toISOString(),
        outcome: 'abandoned',
        errorCode: WORKER_LOST,
      },
    ]);
    expect(sent).toEqual([{ id: idOf(1), name: 'echo' }]);
    expect(deadLettered).toEqual([]);
  });

  it('fails a job whose worker died with no retries left, restarts its retention and copies it to the DLQ', async () => {
    const { store, sent, deadLettered, deps } = setup();
    await store.create(deadWorkerJob({ retryCount: 3, maxRetries: 3, attempt: 4 }));
    const result = await sweepJobs(deps);
    expect(result).toMatchObject({ examined: 1, failed: 1, rescheduled: 0 });
    const job = await store.get(idOf(1));
    expect(job).toMatchObject({
      status: 'Failed',
      completedAt: NOW.toISOString(),
      expiresAt: Math.floor(NOW.getTime() / 1000) + 86_400,
      error: { code: WORKER_LOST },
    });
    expect(job?.history?.at(-1)).toMatchObject({ attempt: 4, outcome: 'abandoned' });
    expect(deadLettered).toEqual([{ job: { id: idOf(1), name: 'echo' }, error: job?.error }]);
    expect(sent).toEqual([]);
  });

  it('reschedules (never fails) a dead worker’s job whose owner asked to cancel it: the claim cancels it', async () => {
    const { store, deps } = setup();
    await store.create(deadWorkerJob({ retryCount: 3, maxRetries: 3, cancelRequestedAt: ago(3) }));
    expect(await sweepJobs(deps)).toMatchObject({ rescheduled: 1, failed: 0 });
    expect((await store.get(idOf(1)))?.status).toBe('Scheduled');
  });

  it('leaves a running job with a live lease alone', async () => {
    const { store, sent, deps } = setup();
    await store.create(deadWorkerJob({ leaseExpiresAt: new Date(NOW.getTime() + 1000).toISOString() }));
    expect(await sweepJobs(deps)).toEqual({
      examined: 1,
      rescheduled: 0,
      failed: 0,
      requeued: 0,
      skipped: 1,
    });
    expect((await store.get(idOf(1)))?.version).toBe(2);
    expect(sent).toEqual([]);
  });

  it.each(['Queued', 'Scheduled'] as const)(
    're-enqueues a %s job not updated for longer than its threshold, and touches it',
    async (status) => {
      const { store, sent, deps } = setup();
      await store.create(aJob({ id: idOf(1), status, lastUpdatedAt: ago(16), retryDelayUntil: ago(10) }));
      expect(await sweepJobs(deps)).toMatchObject({ examined: 1, requeued: 1 });
      expect(await store.get(idOf(1))).toMatchObject({
        status,
        lastUpdatedAt: NOW.toISOString(),
        version: 2,
      });
      expect(sent).toEqual([{ id: idOf(1), name: 'echo' }]);
      // Touched: the next run does not send it again.
      expect(await sweepJobs(deps)).toMatchObject({ examined: 0, requeued: 0 });
      expect(sent).toHaveLength(1);
    },
  );

  it('does not duplicate a waiting job younger than its threshold (a healthy backlog)', async () => {
    const { store, sent, deps } = setup();
    await store.create(aJob({ id: idOf(1), lastUpdatedAt: ago(14) }));
    expect(await sweepJobs(deps)).toMatchObject({ examined: 1, requeued: 0, skipped: 1 });
    expect(sent).toEqual([]);
  });

  it('does not re-enqueue a Scheduled job still waiting for its backoff', async () => {
    const { store, sent, deps } = setup();
    await store.create(
      aJob({
        id: idOf(1),
        status: 'Scheduled',
        lastUpdatedAt: ago(20),
        retryDelayUntil: new Date(NOW.getTime() + MINUTE).toISOString(),
      }),
    );
    expect(await sweepJobs(deps)).toMatchObject({ skipped: 1, requeued: 0 });
    expect(sent).toEqual([]);
  });

  it('never examines finished jobs or jobs updated within the lease window', async () => {
    const { store, deps } = setup();
    await store.create(aJob({ id: idOf(1), status: 'Completed', lastUpdatedAt: ago(500) }));
    await store.create(aJob({ id: idOf(2), status: 'Failed', lastUpdatedAt: ago(500) }));
    await store.create(aJob({ id: idOf(3), status: 'Canceled', lastUpdatedAt: ago(500) }));
    await store.create(deadWorkerJob({ id: idOf(4), lastUpdatedAt: ago(0.5), leaseExpiresAt: ago(0.1) }));
    expect(await sweepJobs(deps)).toEqual({
      examined: 0,
      rescheduled: 0,
      failed: 0,
      requeued: 0,
      skipped: 0,
    });
  });

  it('leaves a job of an unknown type alone', async () => {
    const { store, sent, deps } = setup();
    await store.create(aJob({ id: idOf(1), name: 'gone', lastUpdatedAt: ago(500) }));
    await store.create(deadWorkerJob({ id: idOf(2), name: 'gone' }));
    expect(await sweepJobs(deps)).toMatchObject({ examined: 2, skipped: 2 });
    expect(sent).toEqual([]);
  });

  describe('reads', () => {
    /** The store, counting the full records the sweep reads. */
    const counting = countingReads<InMemoryJobStore>;

    it('reads the full record only of jobs the index shows as possibly lost', async () => {
      const { store, deps } = setup();
      await store.create(deadWorkerJob());
      // Healthy by the index alone: a live lease, a young backlog, a backoff not over.
      await store.create(deadWorkerJob({ id: idOf(2), leaseExpiresAt: ago(-1) }));
      await store.create(aJob({ id: idOf(3), lastUpdatedAt: ago(5) }));
      await store.create(
        aJob({ id: idOf(4), status: 'Scheduled', lastUpdatedAt: ago(30), retryDelayUntil: ago(-5) }),
      );
      await store.create(aJob({ id: idOf(5), lastUpdatedAt: ago(30) }));
      const { counted, reads } = counting(store);
      expect(await sweepJobs({ ...deps, store: counted })).toMatchObject({
        examined: 5,
        rescheduled: 1,
        requeued: 1,
        skipped: 3,
      });
      expect(reads.sort()).toEqual([idOf(1), idOf(5)]);
    });

    it('judges the record, not the index: a job whose record moved on since is left alone', async () => {
      const { store, sent, deps } = setup();
      await store.create(deadWorkerJob());
      const { counted, reads } = counting(store);
      // The index (listStale) still shows the expired lease; the record was renewed since.
      const behind = Object.assign(Object.create(counted), {
        get: async (id: string) => {
          const job = await counted.get(id);
          return job && { ...job, leaseExpiresAt: ago(-1), lastUpdatedAt: ago(0) };
        },
      }) as InMemoryJobStore;
      expect(await sweepJobs({ ...deps, store: behind })).toMatchObject({ examined: 1, skipped: 1 });
      expect(reads).toEqual([idOf(1)]);
      expect(sent).toEqual([]);
    });
  });

  describe('races', () => {
    it('skips a job another writer moved since it was read (the version check fails)', async () => {
      const { store, sent, deadLettered, deps } = setup();
      await store.create(deadWorkerJob());
      await store.create(aJob({ id: idOf(2), lastUpdatedAt: ago(30) }));
      // Each job is moved by someone else (a re-claim, a cancel) right after the sweep read it.
      const racing = Object.assign(Object.create(store), {
        get: async (id: string) => {
          const read = await store.get(id);
          const current = store.jobs.get(id) as Job;
          store.jobs.set(id, { ...current, version: current.version + 1 });
          return read;
        },
      });
      const result = await sweepJobs({ ...deps, store: racing as unknown as InMemoryJobStore });
      expect(result).toEqual({ examined: 2, rescheduled: 0, failed: 0, requeued: 0, skipped: 2 });
      expect(sent).toEqual([]);
      expect(deadLettered).toEqual([]);
    });

    it('keeps sweeping when one job cannot be repaired (an SQS error), leaving it for the next run', async () => {
      const { store, deps } = setup();
      await store.create(aJob({ id: idOf(1), lastUpdatedAt: ago(40) }));
      await store.create(aJob({ id: idOf(2), lastUpdatedAt: ago(30) }));
      let calls = 0;
      const flaky: JobQueue = {
        enqueue: async () => {
          calls += 1;
          if (calls === 1) throw new Error('SQS is down');
        },
      };
      const result = await sweepJobs({ ...deps, queueFor: () => flaky });
      expect(result).toMatchObject({ examined: 2, requeued: 1, skipped: 1 });
    });

    it('propagates nothing but logs when the store update conflicts', async () => {
      const { store, deps } = setup();
      await store.create(deadWorkerJob());
      const conflicting = Object.assign(Object.create(store), {
        update: async (next: Job) => {
          throw new JobVersionConflictError(next.id, next.version - 1);
        },
      });
      expect(await sweepJobs({ ...deps, store: conflicting })).toMatchObject({ skipped: 1 });
    });
  });

  describe('bound', () => {
    it('examines at most maxJobsPerRun jobs, oldest first in a shard, across pages; the next run continues', async () => {
      const { store, sent, deps } = setup({ maxJobsPerRun: 5, pageSize: 2 });
      const ids = idsInOneShard(8);
      for (const [i, id] of ids.entries()) await store.create(aJob({ id, lastUpdatedAt: ago(100 - i) }));
      expect(await sweepJobs(deps)).toMatchObject({ examined: 5, requeued: 5 });
      expect(sent.map((m) => m.id)).toEqual(ids.slice(0, 5));
      expect(await sweepJobs(deps)).toMatchObject({ examined: 3, requeued: 3 });
      expect(sent.map((m) => m.id)).toEqual(ids);
    });

    it('reads every shard of the index', async () => {
      const { store, sent, deps } = setup();
      const ids = oneIdPerShard(store.activeShards);
      for (const id of ids) await store.create(aJob({ id, lastUpdatedAt: ago(100) }));
      expect(await sweepJobs(deps)).toMatchObject({
        examined: store.activeShards,
        requeued: store.activeShards,
      });
      expect(sent.map((m) => m.id).sort()).toEqual([...ids].sort());
    });

    it('shares the budget fairly: a shard with a long backlog does not starve the others', async () => {
      const { store, sent, deps } = setup({ maxJobsPerRun: 20, pageSize: 100 });
      const crowded = idsInOneShard(60);
      // Older than everything else, and many: a shared oldest-first query would spend the whole
      // budget on them.
      for (const [i, id] of crowded.entries()) await store.create(aJob({ id, lastUpdatedAt: ago(300 - i) }));
      const others = oneIdPerShard(store.activeShards).filter(
        (id) => activeShardOf(id) !== activeShardOf(crowded[0] as string),
      );
      for (const id of others) await store.create(aJob({ id, lastUpdatedAt: ago(100) }));
      expect(await sweepJobs(deps)).toMatchObject({ examined: 20, requeued: 20 });
      const swept = new Set(sent.map((m) => m.id));
      for (const id of others) expect(swept.has(id)).toBe(true);
      // The crowded shard got what the others left: its oldest first.
      expect(sent.map((m) => m.id).filter((id) => !others.includes(id))).toEqual(
        crowded.slice(0, 20 - others.length),
      );
    });
  });
});

/** `count` job ids that fall in one shard of the Active index. */
function idsInOneShard(count: number): string[] {
  const shard = activeShardOf(idOf(0));
  const ids: string[] = [];
  for (let n = 0; ids.length < count; n++) if (activeShardOf(idOf(n)) === shard) ids.push(idOf(n));
  return ids;
}

/** One job id in each shard. */
function oneIdPerShard(shards: number): string[] {
  const byShard = new Map<number, string>();
  for (let n = 0; byShard.size < shards; n++) {
    const id = idOf(n);
    if (!byShard.has(activeShardOf(id))) byShard.set(activeShardOf(id), id);
  }
  return [...byShard.values()];
}

describe('sweepJobs recoveries', () => {
  it('tells each recovered job, with the record it wrote, and nothing else', async () => {
    const told: [string, string, string][] = [];
    const { store, deps } = setup({ onRecovered: (action, job) => told.push([action, job.id, job.status]) });
    await store.create(deadWorkerJob());
    await store.create(deadWorkerJob({ id: idOf(2), retryCount: 3, maxRetries: 3 }));
    await store.create(aJob({ id: idOf(3), status: 'Queued', lastUpdatedAt: ago(30) }));
    await sweepJobs(deps);
    expect(told.sort()).toEqual([
      ['failed', idOf(2), 'Failed'],
      ['rescheduled', idOf(1), 'Scheduled'],
    ]);
  });
});

describe('sweepJobs after a restart that lost every message and worker (restartedAt)', () => {
  it('repairs every unfinished job the old process left, whatever its lease, age or backoff', async () => {
    const { store, sent, deps } = setup({ restartedAt: NOW, maxJobsPerRun: Number.POSITIVE_INFINITY });
    // A live lease, a message a minute old, a backoff an hour away: all lost with the old process.
    await store.create(deadWorkerJob({ id: idOf(1), lastUpdatedAt: ago(1), leaseExpiresAt: ago(-1) }));
    await store.create(aJob({ id: idOf(2), status: 'Queued', lastUpdatedAt: ago(1) }));
    await store.create(
      aJob({
        id: idOf(3),
        status: 'Scheduled',
        lastUpdatedAt: ago(1),
        retryDelayUntil: ago(-60),
        retryCount: 1,
      }),
    );
    await store.create(
      aJob({ id: idOf(4), status: 'Completed', lastUpdatedAt: ago(1), completedAt: ago(1) }),
    );
    const result = await sweepJobs(deps);
    expect(result).toEqual({ examined: 3, rescheduled: 1, failed: 0, requeued: 2, skipped: 0 });
    expect(sent.map((job) => job.id).sort()).toEqual([idOf(1), idOf(2), idOf(3)]);
    const recovered = await store.get(idOf(1));
    expect(recovered).toMatchObject({ status: 'Scheduled', retryCount: 1, error: { code: WORKER_LOST } });
    expect(recovered?.error?.message).toContain('the system restarted while it ran');
    expect(recovered?.history?.at(-1)).toMatchObject({
      attempt: 1,
      outcome: 'abandoned',
      errorCode: WORKER_LOST,
    });
    expect((await store.get(idOf(3)))?.retryDelayUntil).toBe(ago(-60));
  });

  it('leaves alone a job updated since the restart (claimed by a new worker, or just submitted)', async () => {
    const { store, sent, deps } = setup({ restartedAt: NOW, maxJobsPerRun: Number.POSITIVE_INFINITY });
    await store.create(deadWorkerJob({ lastUpdatedAt: NOW.toISOString(), leaseExpiresAt: ago(-1) }));
    await store.create(aJob({ id: idOf(2), status: 'Queued', lastUpdatedAt: NOW.toISOString() }));
    expect(await sweepJobs(deps)).toMatchObject({ rescheduled: 0, requeued: 0 });
    expect(sent).toEqual([]);
  });

  it('drains every shard in one run when the budget is unbounded', async () => {
    const { store, sent, deps } = setup({
      restartedAt: NOW,
      maxJobsPerRun: Number.POSITIVE_INFINITY,
      pageSize: 7,
    });
    for (let n = 1; n <= 250; n++) {
      await store.create(aJob({ id: idOf(n), status: 'Queued', lastUpdatedAt: ago(1) }));
    }
    expect(await sweepJobs(deps)).toMatchObject({ examined: 250, requeued: 250 });
    expect(new Set(sent.map((job) => job.id)).size).toBe(250);
  });
});
