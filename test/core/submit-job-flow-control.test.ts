import { describe, expect, it } from 'vitest';
import { InMemoryJobQueue } from '../../lambdas/adapters/in-memory-job-queue';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import { JobCatalog } from '../../lambdas/core/catalog';
import {
  BacklogFullError,
  IdempotencyKeyMismatchError,
  InvalidInputError,
  PriorityNotEnabledError,
} from '../../lambdas/core/errors';
import type { JobSettings } from '../../lambdas/core/job-settings';
import type { BacklogGauge } from '../../lambdas/core/ports';
import { type JobPriority, PriorityJobQueue } from '../../lambdas/core/priority';
import { transition } from '../../lambdas/core/transition';
import {
  BACKLOG_RETRY_AFTER_SECONDS,
  ENQUEUE_FAILED,
  type SubmitJobDeps,
  submitJob,
} from '../../lambdas/core/use-cases/submit-job';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { ManualClock, sequentialIds, silentLogger } from '../support/jobs';

const alice = 'arn:aws:iam::111111111111:user/alice';

/** A gauge that reports `value` (or throws it) and counts its reads. */
class FixedGauge implements BacklogGauge {
  reads = 0;
  constructor(public value: number | Error) {}
  async read(): Promise<number> {
    this.reads += 1;
    if (this.value instanceof Error) throw this.value;
    return this.value;
  }
}

function setup(echo: Partial<JobSettings> = {}, gauges: Partial<Record<JobPriority, FixedGauge>> = {}) {
  const store = new InMemoryJobStore();
  const normal = new InMemoryJobQueue();
  const high = new InMemoryJobQueue();
  const warnings: unknown[] = [];
  const deps: SubmitJobDeps = {
    catalog: new JobCatalog(jobTypes, { echo }),
    store,
    queueFor: () => new PriorityJobQueue({ normal, high }),
    backlogFor: (_name, priority) => gauges[priority],
    clock: new ManualClock(),
    ids: sequentialIds(),
    logger: { ...silentLogger, warn: (_m: string, ...extra: unknown[]) => warnings.push(extra) },
    retentionSeconds: 86_400,
  };
  return { deps, store, normal, high, warnings };
}

describe('submitJob: priorities', () => {
  it('stores a job as normal by default and sends it to the normal queue', async () => {
    const { deps, store, normal, high } = setup({ highPriorityMaxConcurrency: 2 });
    const { job } = await submitJob(deps, { owner: alice, name: 'echo', input: {} });
    expect((await store.get(job.id))?.priority).toBe('normal');
    expect(normal.sent.map((m) => m.id)).toEqual([job.id]);
    expect(high.sent).toEqual([]);
  });

  it('stores a high-priority job as such and sends it to the high-priority queue', async () => {
    const { deps, store, normal, high } = setup({ highPriorityMaxConcurrency: 2 });
    const { job } = await submitJob(deps, { owner: alice, name: 'echo', input: {}, priority: 'high' });
    expect((await store.get(job.id))?.priority).toBe('high');
    expect(high.sent.map((m) => m.id)).toEqual([job.id]);
    expect(normal.sent).toEqual([]);
  });

  it('refuses a high-priority job for a type without priorities, naming the setting, storing nothing', async () => {
    const { deps, store, normal, high } = setup();
    const submit = submitJob(deps, { owner: alice, name: 'echo', input: {}, priority: 'high' });
    await expect(submit).rejects.toThrow(PriorityNotEnabledError);
    await expect(submit).rejects.toThrow(/highPriorityMaxConcurrency/);
    expect(store.jobs.size).toBe(0);
    expect([...normal.sent, ...high.sent]).toEqual([]);
  });

  it('reports bad input before the priority', async () => {
    const { deps } = setup();
    await expect(
      submitJob(deps, { owner: alice, name: 'sleep', input: { ms: 'x' }, priority: 'high' }),
    ).rejects.toThrow(InvalidInputError);
  });
});

describe('submitJob: backpressure (maxBacklog)', () => {
  it('admits a job while the backlog is below maxBacklog', async () => {
    const gauge = new FixedGauge(2);
    const { deps, store } = setup({ maxBacklog: 3 }, { normal: gauge });
    await submitJob(deps, { owner: alice, name: 'echo', input: {} });
    expect(store.jobs.size).toBe(1);
    expect(gauge.reads).toBe(1);
  });

  it.each([3, 50])(
    'refuses a job when the backlog is %i of 3, storing and sending nothing',
    async (backlog) => {
      const { deps, store, normal } = setup({ maxBacklog: 3 }, { normal: new FixedGauge(backlog) });
      const error = await submitJob(deps, { owner: alice, name: 'echo', input: {} }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BacklogFullError);
      expect(error).toMatchObject({
        jobName: 'echo',
        backlog,
        maxBacklog: 3,
        retryAfterSeconds: BACKLOG_RETRY_AFTER_SECONDS,
      });
      expect(store.jobs.size).toBe(0);
      expect(normal.sent).toEqual([]);
    },
  );

  it('never reads the gauge of a type without maxBacklog', async () => {
    const gauge = new FixedGauge(1_000_000);
    const { deps, store } = setup({}, { normal: gauge });
    await submitJob(deps, { owner: alice, name: 'echo', input: {} });
    expect(store.jobs.size).toBe(1);
    expect(gauge.reads).toBe(0);
  });

  it("gauges each priority's queue on its own", async () => {
    const normal = new FixedGauge(10);
    const high = new FixedGauge(0);
    const { deps, store } = setup({ maxBacklog: 5, highPriorityMaxConcurrency: 2 }, { normal, high });
    await submitJob(deps, { owner: alice, name: 'echo', input: {}, priority: 'high' });
    await expect(submitJob(deps, { owner: alice, name: 'echo', input: {} })).rejects.toThrow(
      BacklogFullError,
    );
    expect(store.jobs.size).toBe(1);
    expect([normal.reads, high.reads]).toEqual([1, 1]);
  });

  it('admits the job when the gauge cannot be read (fails open), with a warning', async () => {
    const { deps, store, warnings } = setup(
      { maxBacklog: 1 },
      { normal: new FixedGauge(new Error('SQS down')) },
    );
    await submitJob(deps, { owner: alice, name: 'echo', input: {} });
    expect(store.jobs.size).toBe(1);
    expect(warnings).toHaveLength(1);
  });

  it('uses the configured Retry-After', async () => {
    const { deps } = setup({ maxBacklog: 1 }, { normal: new FixedGauge(1) });
    await expect(
      submitJob({ ...deps, backlogRetryAfterSeconds: 42 }, { owner: alice, name: 'echo', input: {} }),
    ).rejects.toMatchObject({ retryAfterSeconds: 42 });
  });

  describe('replays while the backlog is full', () => {
    it('answers a replay of an accepted job with the job, as before', async () => {
      const gauge = new FixedGauge(0);
      const { deps, store, normal } = setup({ maxBacklog: 1 }, { normal: gauge });
      const request = { owner: alice, name: 'echo', input: { a: 1 }, idempotencyKey: 'k-1' };
      const first = await submitJob(deps, request);
      gauge.value = 100;
      const again = await submitJob(deps, request);
      expect(again.created).toBe(false);
      expect(again.job).toEqual(first.job);
      expect(store.jobs.size).toBe(1);
      // No new job while full; the replay of a job still Queued and never claimed sends its
      // message again (its first answer may have been lost), which the conditional claim absorbs.
      expect(normal.sent).toHaveLength(2);
      expect(new Set(normal.sent.map((m) => m.id))).toEqual(new Set([first.job.id]));
    });

    it('still refuses a different request with the same key (422 before 429)', async () => {
      const gauge = new FixedGauge(0);
      const { deps } = setup({ maxBacklog: 1 }, { normal: gauge });
      await submitJob(deps, { owner: alice, name: 'echo', input: { a: 1 }, idempotencyKey: 'k-1' });
      gauge.value = 100;
      await expect(
        submitJob(deps, { owner: alice, name: 'echo', input: { a: 2 }, idempotencyKey: 'k-1' }),
      ).rejects.toThrow(IdempotencyKeyMismatchError);
    });

    it('refuses a new job with a key nobody used yet', async () => {
      const { deps, store } = setup({ maxBacklog: 1 }, { normal: new FixedGauge(100) });
      await expect(
        submitJob(deps, { owner: alice, name: 'echo', input: {}, idempotencyKey: 'fresh' }),
      ).rejects.toThrow(BacklogFullError);
      expect(store.jobs.size).toBe(0);
    });

    it('does not re-queue a job whose first enqueue failed: that would be new work', async () => {
      const gauge = new FixedGauge(0);
      const { deps, store, normal } = setup({ maxBacklog: 1 }, { normal: gauge });
      const request = { owner: alice, name: 'echo', input: {}, idempotencyKey: 'k-2' };
      const { job } = await submitJob(deps, request);
      await store.update(
        transition(job, 'Failed', deps.clock.now(), { error: { code: ENQUEUE_FAILED, message: 'x' } }),
      );
      gauge.value = 100;
      await expect(submitJob(deps, request)).rejects.toThrow(BacklogFullError);
      expect((await store.get(job.id))?.status).toBe('Failed');
      expect(normal.sent).toHaveLength(1);
    });
  });
});
