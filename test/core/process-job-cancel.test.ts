/**
 * processJob with leases that are renewed while the handler runs: heartbeats, progress,
 * cancellation and lost leases. Leases here are a few tens of ms, so renewals really happen.
 */
import { describe, expect, it, vi } from 'vitest';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import { JobCatalog } from '../../lambdas/core/catalog';
import { JobCanceledError, PermanentJobError } from '../../lambdas/core/errors';
import type { Job } from '../../lambdas/core/job';
import { LEASE_MS } from '../../lambdas/core/lease-keeper';
import { type ProcessJobDeps, processJob } from '../../lambdas/core/use-cases/process-job';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { FakeDelivery } from '../support/fake-delivery';
import { aJob, ManualClock, sequentialIds, silentLogger, T0 } from '../support/jobs';
import { scriptedJobType } from '../support/scripted-job';

const ID = aJob().id;

const scripted = scriptedJobType();

async function setup(job: Job, { leaseMs = 30, deadlineMs = 10_000 } = {}) {
  const store = new InMemoryJobStore();
  await store.create(job);
  const clock = new ManualClock();
  const deps: ProcessJobDeps = {
    catalog: new JobCatalog([...jobTypes, scripted.definition]),
    store,
    clock,
    ids: sequentialIds(),
    logger: silentLogger,
    retentionSeconds: 86_400,
    random: () => 0.5,
  };
  const delivery = new FakeDelivery(job.id);
  const run = (requestLeaseMs = 120_000) =>
    processJob(
      { ...deps, leaseMs },
      {
        delivery,
        jobName: job.name,
        deadlineAt: clock.now().getTime() + deadlineMs,
        leaseMs: requestLeaseMs,
      },
    );
  /** What the owner's DELETE does to a running job, written straight into the store. */
  const requestCancel = () => {
    const current = store.jobs.get(ID) as Job;
    store.jobs.set(ID, {
      ...current,
      cancelRequestedAt: clock.now().toISOString(),
      version: current.version + 1,
    });
  };
  return { store, clock, delivery, run, requestCancel };
}

const sleepJob = (ms: number) => aJob({ name: 'sleep', input: { ms } });
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 2));
};

describe('processJob leases', () => {
  it('takes the shorter of the request lease and its own, at most LEASE_MS by default', async () => {
    const store = new InMemoryJobStore();
    await store.create(aJob());
    const claim = vi.spyOn(store, 'claim');
    const deps = {
      catalog: new JobCatalog(jobTypes),
      store,
      clock: new ManualClock(),
      ids: sequentialIds(),
      logger: silentLogger,
      retentionSeconds: 1,
    };
    await processJob(deps, {
      delivery: new FakeDelivery(ID),
      jobName: 'echo',
      deadlineAt: T0.getTime() + 1_000,
      leaseMs: 900_000,
    });
    expect(claim.mock.calls[0]?.[0].leaseExpiresAt).toEqual(new Date(T0.getTime() + LEASE_MS));
  });

  it('renews the lease every third of it while the handler runs, and records on the newest version', async () => {
    const { store, run } = await setup(sleepJob(200));
    const heartbeat = vi.spyOn(store, 'heartbeat');
    expect(await run()).toMatchObject({ kind: 'completed', ack: true });
    // 200 ms at one renewal per 10 ms; timers are coarse, so ask for a few.
    expect(heartbeat.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(heartbeat.mock.calls[0]?.[0]).toMatchObject({ id: ID, leaseOwner: expect.any(String) });
    const job = await store.get(ID);
    expect(job).toMatchObject({ status: 'Completed', version: 2 + heartbeat.mock.calls.length + 1 });
  });

  it('stores progress from the handler, renews at once and keeps the message hidden', async () => {
    const { store, run, delivery } = await setup(aJob({ name: 'scripted', input: {} }), { leaseMs: 60_000 });
    scripted.script = async (context) => {
      await context.heartbeat({ percent: 150, message: 'x'.repeat(2_000) });
      await context.heartbeat({ percent: 40, message: 'rendering' });
      return 'done';
    };
    expect(await run()).toMatchObject({ kind: 'completed' });
    const job = await store.get(ID);
    expect(job).toMatchObject({
      status: 'Completed',
      result: 'done',
      progress: { percent: 40, message: 'rendering', updatedAt: T0.toISOString() },
    });
    // Until the deadline (10 s) plus one lease (60 s).
    expect(delivery.visibilityChanges).toEqual([70, 70]);
  });

  it('cuts percent to 0..100 and the message to 1,000 characters', async () => {
    const { store, run } = await setup(aJob({ name: 'scripted', input: {} }), { leaseMs: 60_000 });
    let seen: Job | undefined;
    scripted.script = async (context) => {
      await context.heartbeat({ percent: 150, message: 'x'.repeat(2_000) });
      seen = await store.get(ID);
      return null;
    };
    await run();
    expect(seen?.progress?.percent).toBe(100);
    expect(seen?.progress?.message).toHaveLength(1_000);
  });
});

describe('processJob cancellation', () => {
  it('stops a running handler when a heartbeat finds a cancel request, and records Canceled', async () => {
    const { store, run, delivery, requestCancel } = await setup(sleepJob(5_000));
    const started = Date.now();
    const outcome = run();
    await until(() => store.jobs.get(ID)?.status === 'InProgress');
    requestCancel();
    expect(await outcome).toMatchObject({ kind: 'canceled', ack: true });
    expect(Date.now() - started).toBeLessThan(1_000);
    const job = await store.get(ID);
    expect(job).toMatchObject({ status: 'Canceled', error: { code: 'CANCELED' } });
    expect(job?.leaseOwner).toBeUndefined();
    expect(job?.history?.map((h) => [h.attempt, h.outcome, h.errorCode])).toEqual([
      [1, 'canceled', 'CANCELED'],
    ]);
    expect(delivery.deadLetters).toEqual([]);
    expect(delivery.visibilityChanges).toEqual([]);
  });

  it('aborts the signal with JobCanceledError', async () => {
    const { run, store, requestCancel } = await setup(aJob({ name: 'scripted', input: {} }));
    let reason: unknown;
    scripted.script = (context) =>
      new Promise((_, reject) => {
        context.signal.addEventListener('abort', () => {
          reason = context.signal.reason;
          reject(reason);
        });
      });
    const outcome = run();
    await until(() => store.jobs.get(ID)?.status === 'InProgress');
    requestCancel();
    expect((await outcome).kind).toBe('canceled');
    expect(reason).toBeInstanceOf(JobCanceledError);
  });

  it('records Canceled when the outcome write finds a cancel request no heartbeat saw', async () => {
    const { store, run, requestCancel } = await setup(aJob({ name: 'scripted', input: {} }), {
      leaseMs: 60_000,
    });
    scripted.script = async () => {
      requestCancel();
      return { done: true };
    };
    expect(await run()).toMatchObject({ kind: 'canceled', ack: true });
    expect(await store.get(ID)).toMatchObject({ status: 'Canceled', error: { code: 'CANCELED' } });
    expect((await store.get(ID))?.result).toBeUndefined();
  });

  it('neither retries nor dead-letters a failure once a cancel was requested', async () => {
    const { store, run, delivery, requestCancel } = await setup(aJob({ name: 'scripted', input: {} }), {
      leaseMs: 60_000,
    });
    scripted.script = async () => {
      requestCancel();
      throw new PermanentJobError('gave up');
    };
    expect(await run()).toMatchObject({ kind: 'canceled', ack: true });
    expect(delivery.deadLetters).toEqual([]);
    expect((await store.get(ID))?.status).toBe('Canceled');
  });

  it('redoes the outcome from the fresh record after a conflict that left the lease held', async () => {
    const { store, run } = await setup(aJob({ name: 'scripted', input: {} }), { leaseMs: 60_000 });
    scripted.script = async () => {
      const current = store.jobs.get(ID) as Job;
      store.jobs.set(ID, { ...current, version: current.version + 1 });
      return 7;
    };
    expect(await run()).toMatchObject({ kind: 'completed' });
    expect(await store.get(ID)).toMatchObject({ status: 'Completed', result: 7, version: 4 });
  });

  it('ends a re-claimed job that was canceled while its dead worker held it, without running it', async () => {
    const { store, run } = await setup(
      aJob({
        name: 'scripted',
        input: {},
        status: 'InProgress',
        attempt: 1,
        leaseOwner: 'dead',
        leaseExpiresAt: new Date(T0.getTime() - 1).toISOString(),
        cancelRequestedAt: new Date(T0.getTime() - 10).toISOString(),
      }),
    );
    const handler = vi.fn(async () => null);
    scripted.script = handler;
    expect(await run()).toMatchObject({ kind: 'canceled', ack: true });
    expect(handler).not.toHaveBeenCalled();
    expect((await store.get(ID))?.history?.map((h) => h.outcome)).toEqual(['abandoned', 'canceled']);
  });

  it('stops the handler and records nothing when a heartbeat finds the lease lost', async () => {
    const { store, run } = await setup(sleepJob(5_000));
    const started = Date.now();
    const outcome = run();
    await until(() => store.jobs.get(ID)?.status === 'InProgress');
    const current = store.jobs.get(ID) as Job;
    store.jobs.set(ID, { ...current, leaseOwner: 'other', version: current.version + 1 });
    expect(await outcome).toMatchObject({ kind: 'skipped', reason: 'lease-lost', ack: false });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await store.get(ID)).toMatchObject({ status: 'InProgress', leaseOwner: 'other' });
  });
});
