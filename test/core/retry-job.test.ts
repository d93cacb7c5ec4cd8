import { describe, expect, it } from 'vitest';
import { InMemoryJobQueue } from '../../lambdas/adapters/in-memory-job-queue';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import { EnqueueFailedError, JobNotFailedError, JobNotFoundError } from '../../lambdas/core/errors';
import type { Job } from '../../lambdas/core/job';
import type { JobQueue } from '../../lambdas/core/ports';
import { retryJob } from '../../lambdas/core/use-cases/retry-job';
import { aJob, ManualClock, silentLogger, T0 } from '../support/jobs';

const OWNER = aJob().owner;
const history = [
  {
    attempt: 1,
    startedAt: T0.toISOString(),
    endedAt: T0.toISOString(),
    outcome: 'failed',
    errorCode: 'BOOM',
  },
] as const;
const failed: Partial<Job> = {
  status: 'Failed',
  attempt: 1,
  retryCount: 2,
  startedAt: T0.toISOString(),
  completedAt: T0.toISOString(),
  error: { code: 'BOOM', message: 'it broke' },
  history,
};

async function setup(job: Job, queue: JobQueue = new InMemoryJobQueue()) {
  const store = new InMemoryJobStore();
  await store.create(job);
  const clock = new ManualClock();
  clock.advance(5_000);
  const deps = { store, clock, logger: silentLogger, retentionSeconds: 3_600, queueFor: () => queue };
  return { store, queue, retry: (owner = OWNER, id = job.id) => retryJob(deps, { owner, id }) };
}

describe('retryJob', () => {
  it('re-queues a Failed job: retryCount 0, error cleared, history kept, retention restarted, message sent', async () => {
    const queue = new InMemoryJobQueue();
    const { store, retry } = await setup(aJob(failed), queue);
    const job = await retry();
    expect(await store.get(job.id)).toEqual(job);
    expect(job).toMatchObject({
      status: 'Queued',
      retryCount: 0,
      attempt: 1,
      requeuedAtAttempt: 1,
      history,
      expiresAt: T0.getTime() / 1000 + 5 + 3_600,
      version: 2,
    });
    expect(job.error).toBeUndefined();
    expect(job.completedAt).toBeUndefined();
    expect(queue.sent).toEqual([{ id: job.id, name: 'echo' }]);
  });

  it('re-queues a job whose submission failed to enqueue (ENQUEUE_FAILED)', async () => {
    const { retry } = await setup(
      aJob({ status: 'Failed', error: { code: 'ENQUEUE_FAILED', message: 'x' } }),
    );
    expect((await retry()).status).toBe('Queued');
  });

  it.each(['Queued', 'Scheduled', 'InProgress', 'Completed', 'Canceled'] as const)(
    'refuses a %s job with JobNotFailedError and changes nothing',
    async (status) => {
      const { store, queue, retry } = await setup(aJob({ status }));
      await expect(retry()).rejects.toMatchObject({ name: 'JobNotFailedError', status });
      expect((await store.get(aJob().id))?.version).toBe(1);
      expect((queue as InMemoryJobQueue).sent).toEqual([]);
    },
  );

  it.each([
    ['an unknown id', OWNER, '00000000-0000-4000-8000-0000000000ff'],
    ["another caller's job", 'arn:aws:iam::111111111111:user/bob', aJob().id],
  ])('answers JobNotFoundError for %s', async (_label, owner, id) => {
    const { retry } = await setup(aJob(failed));
    await expect(retry(owner, id)).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('answers JobNotFoundError for an expired job', async () => {
    const { retry } = await setup(aJob({ ...failed, expiresAt: T0.getTime() / 1000 }));
    await expect(retry()).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('loses a race with a concurrent retry as JobNotFailedError, sending nothing', async () => {
    const queue = new InMemoryJobQueue();
    const { store, retry } = await setup(aJob(failed), queue);
    const update = store.update.bind(store);
    store.update = async (next) => {
      // Another retry re-queues the job between our read and our write.
      await update({ ...(await store.get(next.id)), status: 'Queued', version: next.version } as Job);
      return update(next);
    };
    await expect(retry()).rejects.toBeInstanceOf(JobNotFailedError);
    expect(queue.sent).toEqual([]);
  });

  it('marks the job Failed (ENQUEUE_FAILED) again and throws EnqueueFailedError when the send fails', async () => {
    const broken: JobQueue = {
      enqueue: async () => {
        throw new Error('SQS down');
      },
    };
    const { store, retry } = await setup(aJob(failed), broken);
    await expect(retry()).rejects.toBeInstanceOf(EnqueueFailedError);
    expect(await store.get(aJob().id)).toMatchObject({
      status: 'Failed',
      error: { code: 'ENQUEUE_FAILED' },
      history,
      version: 3,
    });
    // ...and can be retried again.
    const { retry: again } = await setup(aJob({ ...(await store.get(aJob().id)) }));
    expect((await again()).status).toBe('Queued');
  });
});
