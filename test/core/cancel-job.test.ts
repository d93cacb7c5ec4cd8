import { describe, expect, it } from 'vitest';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import {
  JobAlreadyFinishedError,
  JobNotFoundError,
  JobVersionConflictError,
} from '../../lambdas/core/errors';
import type { Job } from '../../lambdas/core/job';
import { CANCEL_ATTEMPTS, cancelJob } from '../../lambdas/core/use-cases/cancel-job';
import { aJob, ManualClock, T0 } from '../support/jobs';

const OWNER = aJob().owner;
const running: Partial<Job> = {
  status: 'InProgress',
  attempt: 1,
  startedAt: T0.toISOString(),
  leaseOwner: 'worker',
  leaseExpiresAt: new Date(T0.getTime() + 60_000).toISOString(),
};

async function setup(job: Job) {
  const store = new InMemoryJobStore();
  await store.create(job);
  const clock = new ManualClock();
  clock.advance(1_000);
  const deps = { store, clock, retentionSeconds: 3_600 };
  return { store, clock, cancel: (owner = OWNER) => cancelJob(deps, { owner, id: job.id }) };
}

describe('cancelJob', () => {
  it.each(['Queued', 'Scheduled'] as const)(
    'cancels a %s job at once, restarting its retention',
    async (status) => {
      const { store, cancel } = await setup(
        aJob({ status, ...(status === 'Scheduled' ? { retryDelayUntil: T0.toISOString() } : {}) }),
      );
      const result = await cancel();
      expect(result.kind).toBe('canceled');
      const stored = await store.get(aJob().id);
      expect(stored).toEqual(result.job);
      expect(stored).toMatchObject({
        status: 'Canceled',
        error: { code: 'CANCELED' },
        completedAt: new Date(T0.getTime() + 1_000).toISOString(),
        expiresAt: T0.getTime() / 1000 + 1 + 3_600,
        version: 2,
      });
      expect(stored?.retryDelayUntil).toBeUndefined();
    },
  );

  it('asks the worker of a running job to stop, keeping its lease and start time', async () => {
    const { store, cancel } = await setup(aJob(running));
    const result = await cancel();
    expect(result.kind).toBe('requested');
    expect(await store.get(aJob().id)).toEqual({
      ...aJob(running),
      cancelRequestedAt: new Date(T0.getTime() + 1_000).toISOString(),
      lastUpdatedAt: new Date(T0.getTime() + 1_000).toISOString(),
      version: 2,
    });
  });

  it('does not write again when a cancel was already requested', async () => {
    const { store, cancel } = await setup(aJob({ ...running, cancelRequestedAt: T0.toISOString() }));
    expect((await cancel()).kind).toBe('requested');
    expect((await store.get(aJob().id))?.version).toBe(1);
  });

  it.each(['Completed', 'Failed', 'Canceled'] as const)('refuses a %s job', async (status) => {
    const { cancel } = await setup(aJob({ status }));
    await expect(cancel()).rejects.toThrow(JobAlreadyFinishedError);
  });

  it("hides another caller's job", async () => {
    const { cancel } = await setup(aJob());
    await expect(cancel('someone-else')).rejects.toThrow(JobNotFoundError);
  });

  it('decides again when the processor wrote in between (claimed the queued job)', async () => {
    const { store, cancel } = await setup(aJob());
    const update = store.update.bind(store);
    let raced = false;
    store.update = async (next) => {
      if (!raced) {
        raced = true;
        // The processor claims the job between the read and the write.
        const current = store.jobs.get(next.id) as Job;
        store.jobs.set(next.id, { ...current, ...running, version: current.version + 1 });
      }
      return update(next);
    };
    const result = await cancel();
    expect(result.kind).toBe('requested');
    expect(await store.get(aJob().id)).toMatchObject({
      status: 'InProgress',
      cancelRequestedAt: expect.any(String),
    });
  });

  it(`gives up after ${CANCEL_ATTEMPTS} lost races`, async () => {
    const { store, cancel } = await setup(aJob());
    let writes = 0;
    store.update = async (next) => {
      writes += 1;
      throw new JobVersionConflictError(next.id, next.version - 1);
    };
    await expect(cancel()).rejects.toThrow(JobVersionConflictError);
    expect(writes).toBe(CANCEL_ATTEMPTS);
  });
});
