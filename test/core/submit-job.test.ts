import { describe, expect, it } from 'vitest';
import { InMemoryJobQueue } from '../../lambdas/adapters/in-memory-job-queue';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import { JobCatalog } from '../../lambdas/core/catalog';
import {
  EnqueueFailedError,
  IdempotencyKeyMismatchError,
  InvalidInputError,
  JobTooLargeError,
  JobVersionConflictError,
  UnknownJobTypeError,
} from '../../lambdas/core/errors';
import { ENQUEUE_FAILED, type SubmitJobDeps, submitJob } from '../../lambdas/core/use-cases/submit-job';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { ManualClock, sequentialIds, silentLogger, T0 } from '../support/jobs';

function setup() {
  const store = new InMemoryJobStore();
  const queue = new InMemoryJobQueue();
  const clock = new ManualClock();
  const deps: SubmitJobDeps = {
    catalog: new JobCatalog(jobTypes),
    store,
    queueFor: () => queue,
    clock,
    ids: sequentialIds(),
    logger: silentLogger,
    retentionSeconds: 86_400,
  };
  return { deps, store, queue, clock };
}

const alice = 'arn:aws:iam::111111111111:user/alice';

describe('submitJob', () => {
  it('stores a Queued job and enqueues it', async () => {
    const { deps, store, queue } = setup();
    const { job, created } = await submitJob(deps, { owner: alice, name: 'echo', input: { a: 1 } });
    expect(created).toBe(true);
    expect(job).toMatchObject({
      name: 'echo',
      status: 'Queued',
      owner: alice,
      input: { a: 1 },
      retryCount: 0,
      maxRetries: 3,
      attempt: 0,
      createdAt: T0.toISOString(),
      expiresAt: T0.getTime() / 1000 + 86_400,
      version: 1,
    });
    expect(await store.get(job.id)).toEqual(job);
    expect(queue.sent).toEqual([{ id: job.id, name: 'echo' }]);
  });

  it('copies the job type maxRetries onto the job', async () => {
    const { deps } = setup();
    const { job } = await submitJob(deps, { owner: alice, name: 'fail', input: { permanent: false } });
    expect(job.maxRetries).toBe(2);
  });

  it('refuses an unknown job type before storing anything', async () => {
    const { deps, store, queue } = setup();
    await expect(submitJob(deps, { owner: alice, name: 'nope', input: {} })).rejects.toThrow(
      UnknownJobTypeError,
    );
    expect(store.jobs.size).toBe(0);
    expect(queue.sent).toEqual([]);
  });

  it('refuses input that fails the schema, naming the field, before storing anything', async () => {
    const { deps, store } = setup();
    const error = await submitJob(deps, { owner: alice, name: 'sleep', input: { ms: 'soon' } }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.issues).toEqual([expect.objectContaining({ path: '$.ms' })]);
    expect(error.message).toContain('$.ms');
    expect(store.jobs.size).toBe(0);
  });

  it('refuses an input above maxInputBytes, before storing anything', async () => {
    const { deps, store, queue } = setup();
    // {"blob":"..."}: 11 bytes around the string.
    const at = { blob: 'x'.repeat(989) };
    await expect(
      submitJob({ ...deps, maxInputBytes: 1_000 }, { owner: alice, name: 'echo', input: at }),
    ).resolves.toMatchObject({ created: true });
    store.jobs.clear();
    queue.sent.length = 0;
    const above = { blob: 'x'.repeat(990) };
    const error = await submitJob(
      { ...deps, maxInputBytes: 1_000 },
      { owner: alice, name: 'echo', input: above },
    ).catch((e) => e);
    expect(error).toBeInstanceOf(JobTooLargeError);
    expect(error).toMatchObject({ bytes: 1_001, limit: 1_000 });
    expect(store.jobs.size).toBe(0);
    expect(queue.sent).toEqual([]);
  });

  describe('with an idempotency key', () => {
    it('returns the same job for the same key and body, sending its message again while it waits', async () => {
      const { deps, queue } = setup();
      const request = { owner: alice, name: 'echo', input: { a: 1, b: 2 }, idempotencyKey: 'k1' };
      const first = await submitJob(deps, request);
      const second = await submitJob(deps, { ...request, input: { b: 2, a: 1 } });
      expect(second.created).toBe(false);
      expect(second.job).toEqual(first.job);
      // Never claimed: the first request may have failed before its send, so the replay sends.
      expect(queue.sent).toEqual([
        { id: first.job.id, name: 'echo' },
        { id: first.job.id, name: 'echo' },
      ]);
    });

    it('queues nothing again for a job that has started or finished', async () => {
      const { deps, store, queue } = setup();
      const request = { owner: alice, name: 'echo', input: {}, idempotencyKey: 'k1' };
      const { job } = await submitJob(deps, request);
      const claimed = { ...job, status: 'InProgress' as const, attempt: 1, version: 2 };
      await store.update(claimed);
      expect((await submitJob(deps, request)).job).toEqual(claimed);
      const completed = { ...claimed, status: 'Completed' as const, version: 3 };
      await store.update(completed);
      expect((await submitJob(deps, request)).job).toEqual(completed);
      expect(queue.sent).toHaveLength(1);
    });

    it('queues a job whose first request stored it but lost the answer before sending', async () => {
      const { deps, store, queue } = setup();
      const request = { owner: alice, name: 'echo', input: {}, idempotencyKey: 'k1' };
      // The put was applied, but the connection dropped before DynamoDB answered: 503, no send.
      const lostAnswer = Object.assign(Object.create(store), {
        create: async (job: Parameters<typeof store.create>[0]) => {
          await store.create(job);
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        },
      });
      await expect(submitJob({ ...deps, store: lostAnswer }, request)).rejects.toThrow('socket hang up');
      expect(queue.sent).toEqual([]);
      const retry = await submitJob(deps, request);
      expect(retry).toMatchObject({ created: false, job: { status: 'Queued' } });
      expect(queue.sent).toEqual([{ id: retry.job.id, name: 'echo' }]);
    });

    it('creates one job when many duplicates race', async () => {
      const { deps, store, queue } = setup();
      const request = { owner: alice, name: 'echo', input: { a: 1 }, idempotencyKey: 'race' };
      const results = await Promise.all(Array.from({ length: 25 }, () => submitJob(deps, request)));
      expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(store.jobs.size).toBe(1);
      // Each replay of the waiting job sends its message: duplicates of one job, never another job.
      expect(new Set(queue.sent.map((m) => m.id))).toEqual(new Set([results[0]?.job.id]));
    });

    it('refuses the same key with a different body', async () => {
      const { deps } = setup();
      await submitJob(deps, { owner: alice, name: 'echo', input: { a: 1 }, idempotencyKey: 'k1' });
      await expect(
        submitJob(deps, { owner: alice, name: 'echo', input: { a: 2 }, idempotencyKey: 'k1' }),
      ).rejects.toThrow(IdempotencyKeyMismatchError);
    });

    it('keeps callers apart: the same key from another caller is another job', async () => {
      const { deps } = setup();
      const a = await submitJob(deps, { owner: alice, name: 'echo', input: {}, idempotencyKey: 'k1' });
      const b = await submitJob(deps, { owner: 'bob', name: 'echo', input: {}, idempotencyKey: 'k1' });
      expect(b.job.id).not.toBe(a.job.id);
      expect(b.created).toBe(true);
    });
  });

  describe('when the enqueue fails', () => {
    it('marks the job Failed and throws EnqueueFailedError', async () => {
      const { deps, store } = setup();
      const broken = { ...deps, queueFor: () => ({ enqueue: () => Promise.reject(new Error('SQS down')) }) };
      const error = await submitJob(broken, { owner: alice, name: 'echo', input: {} }).catch((e) => e);
      expect(error).toBeInstanceOf(EnqueueFailedError);
      const stored = await store.get(error.jobId);
      expect(stored).toMatchObject({ status: 'Failed', error: { code: ENQUEUE_FAILED } });
    });

    it('re-queues the same job when the client retries with its key', async () => {
      const { deps, store, queue } = setup();
      const request = { owner: alice, name: 'echo', input: {}, idempotencyKey: 'k1' };
      const broken = { ...deps, queueFor: () => ({ enqueue: () => Promise.reject(new Error('SQS down')) }) };
      const error = await submitJob(broken, request).catch((e) => e);
      const retry = await submitJob(deps, request);
      expect(retry).toMatchObject({ created: true, job: { id: error.jobId, status: 'Queued' } });
      expect(retry.job.error).toBeUndefined();
      expect(queue.sent).toEqual([{ id: error.jobId, name: 'echo' }]);
      expect((await store.get(error.jobId))?.status).toBe('Queued');
    });

    it('queues the re-queued job even when its re-queue write was applied but answered with a conflict', async () => {
      const { deps, store, queue } = setup();
      const request = { owner: alice, name: 'echo', input: {}, idempotencyKey: 'k1' };
      const broken = { ...deps, queueFor: () => ({ enqueue: () => Promise.reject(new Error('SQS down')) }) };
      const error = await submitJob(broken, request).catch((e) => e);
      // The write lands, the answer is lost, the SDK's retry finds the version moved on.
      const lostAnswer = Object.assign(Object.create(store), {
        update: async (job: Parameters<typeof store.update>[0]) => {
          await store.update(job);
          throw new JobVersionConflictError(job.id, job.version - 1);
        },
      });
      const retry = await submitJob({ ...deps, store: lostAnswer }, request);
      expect(retry.job).toMatchObject({ id: error.jobId, status: 'Queued' });
      expect(queue.sent).toEqual([{ id: error.jobId, name: 'echo' }]);
    });

    it('still throws EnqueueFailedError when marking the record fails too', async () => {
      const { deps, store } = setup();
      const broken = {
        ...deps,
        store: Object.assign(Object.create(store), {
          update: () => Promise.reject(new Error('DynamoDB down')),
        }),
        queueFor: () => ({ enqueue: () => Promise.reject(new Error('SQS down')) }),
      };
      await expect(submitJob(broken, { owner: alice, name: 'echo', input: {} })).rejects.toThrow(
        EnqueueFailedError,
      );
    });
  });
});
