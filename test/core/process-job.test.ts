import { describe, expect, it } from 'vitest';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import { JobCatalog } from '../../lambdas/core/catalog';
import type { Job } from '../../lambdas/core/job';
import { type ProcessJobDeps, processJob } from '../../lambdas/core/use-cases/process-job';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { FakeDelivery } from '../support/fake-delivery';
import { aJob, ManualClock, sequentialIds, silentLogger, T0 } from '../support/jobs';

const LEASE_MS = 40_000;

async function setup(job: Job, random: (() => number) | Partial<ProcessJobDeps> = () => 0.5) {
  const store = new InMemoryJobStore();
  await store.create(job);
  const clock = new ManualClock();
  const deps: ProcessJobDeps = {
    catalog: new JobCatalog(jobTypes),
    store,
    clock,
    ids: sequentialIds(),
    logger: silentLogger,
    retentionSeconds: 86_400,
    ...(typeof random === 'function' ? { random } : { random: () => 0.5, ...random }),
  };
  const delivery = new FakeDelivery(job.id);
  const run = (deadlineMs = 30_000) =>
    processJob(deps, {
      delivery,
      jobName: job.name,
      deadlineAt: clock.now().getTime() + deadlineMs,
      leaseMs: LEASE_MS,
    });
  return { store, clock, delivery, run };
}

describe('processJob', () => {
  it('completes a job with its result and acknowledges the message', async () => {
    const { store, run, delivery } = await setup(aJob({ input: { x: 1 } }));
    const outcome = await run();
    expect(outcome).toMatchObject({ kind: 'completed', ack: true });
    const job = await store.get(aJob().id);
    expect(job).toMatchObject({ status: 'Completed', result: { x: 1 }, attempt: 1, retryCount: 0 });
    expect(job?.completedAt).toBeDefined();
    expect(job?.leaseOwner).toBeUndefined();
    expect(delivery.deadLetters).toEqual([]);
  });

  it('schedules a retry after a transient failure, hiding the message for the backoff', async () => {
    const { store, run, delivery } = await setup(aJob({ name: 'flaky', input: { failTimes: 1 } }), () => 0.5);
    const outcome = await run();
    // flaky: base 1 s, first retry ceiling 1 s, jitter 0.5 -> 500 ms -> 1 s of visibility
    expect(outcome).toMatchObject({ kind: 'retry-scheduled', ack: false, delayMs: 500 });
    expect(delivery.visibilityChanges).toEqual([1]);
    expect(await store.get(aJob().id)).toMatchObject({
      status: 'Scheduled',
      retryCount: 1,
      attempt: 1,
      retryDelayUntil: new Date(T0.getTime() + 500).toISOString(),
      error: { code: 'ERROR', message: 'Planned transient failure 1 of 1' },
    });
  });

  it('runs a scheduled job once it is due and clears the old error on success', async () => {
    const { store, run, clock } = await setup(aJob({ name: 'flaky', input: { failTimes: 2 } }));
    await run();
    clock.advance(5_000);
    await run();
    clock.advance(5_000);
    const outcome = await run();
    expect(outcome.kind).toBe('completed');
    const job = await store.get(aJob().id);
    expect(job).toMatchObject({
      status: 'Completed',
      retryCount: 2,
      attempt: 3,
      result: { succeededOnAttempt: 3 },
    });
    expect(job?.error).toBeUndefined();
    expect(job?.history?.map((h) => [h.attempt, h.outcome, h.errorCode])).toEqual([
      [1, 'retry-scheduled', 'ERROR'],
      [2, 'retry-scheduled', 'ERROR'],
      [3, 'completed', undefined],
    ]);
  });

  it('fails a permanent error on the first attempt and dead-letters it', async () => {
    const { store, run, delivery } = await setup(aJob({ name: 'fail', input: { permanent: true } }));
    const outcome = await run();
    expect(outcome).toMatchObject({ kind: 'failed', ack: true });
    expect(delivery.deadLetters).toEqual([{ code: 'PLANNED_FAILURE', message: 'Planned permanent failure' }]);
    expect(await store.get(aJob().id)).toMatchObject({ status: 'Failed', attempt: 1, retryCount: 0 });
  });

  it('fails once retries are exhausted', async () => {
    const { store, run, clock, delivery } = await setup(
      aJob({ name: 'fail', input: { permanent: false }, maxRetries: 2 }),
    );
    const kinds = [];
    for (let i = 0; i < 3; i++) {
      kinds.push((await run()).kind);
      clock.advance(10_000);
    }
    expect(kinds).toEqual(['retry-scheduled', 'retry-scheduled', 'failed']);
    expect(await store.get(aJob().id)).toMatchObject({ status: 'Failed', attempt: 3, retryCount: 2 });
    expect(delivery.deadLetters).toHaveLength(1);
  });

  it("retries as many times as the job's own maxRetries says", async () => {
    const { run } = await setup(aJob({ name: 'fail', input: { permanent: false }, maxRetries: 0 }));
    expect((await run()).kind).toBe('failed');
  });

  it('fails permanently when the result is above maxResultBytes', async () => {
    const { run, delivery, store } = await setup(aJob({ input: { blob: 'x'.repeat(400_000) } }), {
      maxResultBytes: 400_000,
    });
    // {"blob":"..."} is 400,011 bytes of JSON, 11 above the limit.
    expect(await run()).toMatchObject({ kind: 'failed', ack: true });
    expect(delivery.deadLetters[0]?.code).toBe('RESULT_TOO_LARGE');
    expect((await store.get(aJob().id))?.result).toBeUndefined();
  });

  it('fails permanently when the stored input no longer fits the schema', async () => {
    const { run, delivery } = await setup(aJob({ name: 'sleep', input: { ms: -1 } }));
    expect(await run()).toMatchObject({ kind: 'failed' });
    expect(delivery.deadLetters[0]?.code).toBe('INVALID_INPUT');
  });

  it('cuts a handler off at its deadline, aborts its signal and retries', async () => {
    const { store, run } = await setup(aJob({ name: 'sleep', input: { ms: 5_000 } }));
    const outcome = await run(50);
    expect(outcome.kind).toBe('retry-scheduled');
    expect((await store.get(aJob().id))?.error?.code).toBe('JOB_TIMEOUT');
  });

  describe('a delivery it must not run', () => {
    it('acknowledges a job that already completed', async () => {
      const { run, delivery } = await setup(aJob({ status: 'Completed' }));
      expect(await run()).toMatchObject({ kind: 'skipped', reason: 'finished', ack: true });
      expect(delivery.visibilityChanges).toEqual([]);
    });

    it('acknowledges a job with no record', async () => {
      const { run, store } = await setup(aJob());
      store.jobs.clear();
      expect(await run()).toMatchObject({ kind: 'skipped', reason: 'missing', ack: true });
    });

    it.each([
      ['the lease ends last', -25_000, 20_000, 21],
      ["the other worker's invocation (start + 30 s timeout) ends last", 0, 20_000, 31],
    ])(
      'hides a duplicate of a leased job until %s, without running it',
      async (_l, startMs, leaseMs, hidden) => {
        const { run, delivery, store } = await setup(
          aJob({
            status: 'InProgress',
            attempt: 1,
            leaseOwner: 'other',
            startedAt: new Date(T0.getTime() + startMs).toISOString(),
            leaseExpiresAt: new Date(T0.getTime() + leaseMs).toISOString(),
          }),
        );
        expect(await run()).toMatchObject({ kind: 'skipped', reason: 'leased', ack: false });
        expect(delivery.visibilityChanges).toEqual([hidden]);
        expect((await store.get(aJob().id))?.attempt).toBe(1);
      },
    );

    it('re-claims a job whose worker died (lease expired)', async () => {
      const leaseEnd = new Date(T0.getTime() - 1).toISOString();
      const { run, store } = await setup(
        aJob({ status: 'InProgress', attempt: 1, leaseOwner: 'dead', leaseExpiresAt: leaseEnd }),
      );
      expect((await run()).kind).toBe('completed');
      expect((await store.get(aJob().id))?.attempt).toBe(2);
    });

    it('hides an early delivery of a scheduled job until it is due', async () => {
      const due = new Date(T0.getTime() + 7_500).toISOString();
      const { run, delivery } = await setup(aJob({ status: 'Scheduled', retryDelayUntil: due }));
      expect(await run()).toMatchObject({ kind: 'skipped', reason: 'not-due', ack: false });
      expect(delivery.visibilityChanges).toEqual([8]);
    });

    it('sends a failed job to the DLQ again when its message comes back', async () => {
      const error = { code: 'PLANNED_FAILURE', message: 'x' };
      const { run, delivery } = await setup(aJob({ status: 'Failed', error }));
      expect(await run()).toMatchObject({ kind: 'skipped', reason: 'dead-letter-resent', ack: true });
      expect(delivery.deadLetters).toEqual([error]);
    });

    it('does not dead-letter a job refused at submission', async () => {
      const { run, delivery } = await setup(
        aJob({ status: 'Failed', error: { code: 'ENQUEUE_FAILED', message: 'x' } }),
      );
      expect(await run()).toMatchObject({ kind: 'skipped', reason: 'finished', ack: true });
      expect(delivery.deadLetters).toEqual([]);
    });
  });

  it('records nothing when another worker took the job over meanwhile', async () => {
    const { store, run } = await setup(aJob({ name: 'sleep', input: { ms: 30 } }));
    const running = run();
    // Simulate a re-claim by another worker while the handler runs.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const current = (await store.get(aJob().id)) as Job;
    store.jobs.set(current.id, { ...current, leaseOwner: 'other', version: current.version + 1 });
    expect(await running).toMatchObject({ kind: 'skipped', reason: 'lease-lost', ack: false });
    expect((await store.get(aJob().id))?.status).toBe('InProgress');
  });

  it('keeps the message when the DLQ send fails, so the redelivery sends it', async () => {
    const { run, delivery, store } = await setup(aJob({ name: 'fail', input: { permanent: true } }));
    delivery.failDeadLetter = true;
    await expect(run()).rejects.toThrow('DLQ unavailable');
    expect((await store.get(aJob().id))?.status).toBe('Failed');
    delivery.failDeadLetter = false;
    expect(await run()).toMatchObject({ reason: 'dead-letter-resent', ack: true });
    expect(delivery.deadLetters).toHaveLength(1);
  });

  it('dead-letters a job of another type that reached this queue', async () => {
    const { store, clock, delivery } = await setup(aJob({ name: 'echo' }));
    const deps = {
      catalog: new JobCatalog(jobTypes),
      store,
      clock,
      ids: sequentialIds(),
      logger: silentLogger,
      retentionSeconds: 1,
    };
    const outcome = await processJob(deps, {
      delivery,
      jobName: 'sleep',
      deadlineAt: 30_000,
      leaseMs: LEASE_MS,
    });
    expect(outcome).toMatchObject({ kind: 'failed', ack: true });
    expect(delivery.deadLetters[0]?.code).toBe('WRONG_QUEUE');
  });
});

describe('retention', () => {
  it('restarts the TTL when a job finishes', async () => {
    const store = new InMemoryJobStore();
    const job = aJob({ expiresAt: 1 });
    await store.create(job);
    const clock = new ManualClock();
    clock.advance(60_000);
    const deps = {
      catalog: new JobCatalog(jobTypes),
      store,
      clock,
      ids: sequentialIds(),
      logger: silentLogger,
    };
    await processJob(
      { ...deps, retentionSeconds: 3_600 },
      {
        delivery: new FakeDelivery(job.id),
        jobName: 'echo',
        deadlineAt: clock.now().getTime() + 1_000,
        leaseMs: 1,
      },
    );
    expect((await store.get(job.id))?.expiresAt).toBe(T0.getTime() / 1000 + 60 + 3_600);
  });
});
