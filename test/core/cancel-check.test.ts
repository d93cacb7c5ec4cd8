/**
 * The cancel check between lease renewals: a running job reads its cancel flag every
 * `cancelCheckSeconds` (not more lease writes), so a DELETE stops it within seconds. Fake timers
 * and the in-memory store: the counts below are exact.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import { JobCatalog } from '../../lambdas/core/catalog';
import { JobCanceledError } from '../../lambdas/core/errors';
import type { Job } from '../../lambdas/core/job';
import type { JobSettings } from '../../lambdas/core/job-settings';
import { processJob } from '../../lambdas/core/use-cases/process-job';
import { FakeDelivery } from '../support/fake-delivery';
import { aJob, ManualClock, sequentialIds, silentLogger } from '../support/jobs';
import { scriptedJobType } from '../support/scripted-job';

const ID = aJob().id;
/** The processor's lease in production: renewals every 20 s, far apart from the checks. */
const LEASE_MS = 60_000;

const scripted = scriptedJobType();

/** Resolves after `ms` of (fake) time, or rejects with the signal's reason when it fires. */
const work = (ms: number, signal: AbortSignal) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('done'), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

async function setup(settings: Partial<JobSettings> = {}, leaseMs = LEASE_MS) {
  const store = new InMemoryJobStore();
  await store.create(aJob({ name: 'scripted', input: {} }));
  const checks = vi.spyOn(store, 'cancelRequested');
  const renewals = vi.spyOn(store, 'heartbeat');
  const clock = new ManualClock();
  const warnings: string[] = [];
  const infos: { message: string; extra: unknown }[] = [];
  const logger = {
    ...silentLogger,
    warn: (message: string) => void warnings.push(message),
    info: (message: string, extra?: unknown) => void infos.push({ message, extra }),
  };
  const run = () =>
    processJob(
      {
        catalog: new JobCatalog([scripted.definition], { scripted: settings }),
        store,
        clock,
        ids: sequentialIds(),
        logger,
        retentionSeconds: 86_400,
        leaseMs,
      },
      {
        delivery: new FakeDelivery(ID),
        jobName: 'scripted',
        deadlineAt: clock.now().getTime() + 600_000,
        leaseMs,
      },
    );
  /** What the owner's DELETE does to a running job. */
  const requestCancel = (fields: Partial<Job> = {}) => {
    const current = store.jobs.get(ID) as Job;
    store.jobs.set(ID, {
      ...current,
      cancelRequestedAt: clock.now().toISOString(),
      ...fields,
      version: current.version + 1,
    });
  };
  return { store, checks, renewals, run, requestCancel, warnings, infos };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the cancel check of a running job', () => {
  it('sees a cancel within one interval (2 s by default) through the flag, with no lease write', async () => {
    const { store, checks, renewals, run, requestCancel, infos } = await setup();
    let reason: unknown;
    scripted.script = async ({ signal }) => {
      signal.addEventListener('abort', () => {
        reason = signal.reason;
      });
      return work(15_000, signal);
    };
    const outcome = run();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(checks).toHaveBeenCalledTimes(1);
    requestCancel();
    await vi.advanceTimersByTimeAsync(1_000);

    expect(await outcome).toMatchObject({ kind: 'canceled', ack: true });
    expect(reason).toBeInstanceOf(JobCanceledError);
    expect(checks).toHaveBeenCalledTimes(2);
    expect(checks).toHaveBeenCalledWith(ID);
    expect(renewals).not.toHaveBeenCalled();
    expect(infos).toContainEqual({
      message: 'Cancel requested; stopping the handler',
      extra: { seenBy: 'check' },
    });
    const job = await store.get(ID);
    expect(job).toMatchObject({ status: 'Canceled', error: { code: 'CANCELED' } });
    expect(job?.history?.map((h) => [h.attempt, h.outcome, h.errorCode])).toEqual([
      [1, 'canceled', 'CANCELED'],
    ]);
  });

  it('makes no check for a job shorter than one interval', async () => {
    const { checks, run } = await setup();
    scripted.script = ({ signal }) => work(1_900, signal);
    const outcome = run();
    await vi.advanceTimersByTimeAsync(1_900);
    expect(await outcome).toMatchObject({ kind: 'completed' });
    expect(checks).not.toHaveBeenCalled();
  });

  it('stops checking the moment the job finishes', async () => {
    const { checks, run } = await setup();
    scripted.script = ({ signal }) => work(5_000, signal);
    const outcome = run();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await outcome).toMatchObject({ kind: 'completed' });
    expect(checks).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(checks).toHaveBeenCalledTimes(2);
  });

  it("honours the job type's cancelCheckSeconds", async () => {
    const { checks, run } = await setup({ cancelCheckSeconds: 0.5 });
    scripted.script = ({ signal }) => work(4_800, signal);
    const outcome = run();
    await vi.advanceTimersByTimeAsync(4_800);
    await outcome;
    expect(checks).toHaveBeenCalledTimes(9);
  });

  it('makes no check at 0, leaving the cancel to the next lease renewal', async () => {
    const { checks, renewals, run, requestCancel, infos } = await setup({ cancelCheckSeconds: 0 });
    scripted.script = ({ signal }) => work(60_000, signal);
    const outcome = run();
    await vi.advanceTimersByTimeAsync(1_000);
    requestCancel();
    await vi.advanceTimersByTimeAsync(18_000);
    expect(renewals).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await outcome).toMatchObject({ kind: 'canceled' });
    expect(checks).not.toHaveBeenCalled();
    expect(renewals).toHaveBeenCalledTimes(1);
    expect(infos).toContainEqual({
      message: 'Cancel requested; stopping the handler',
      extra: { seenBy: 'renewal' },
    });
  });

  it('puts the next check off by a whole interval after each renewal and progress report', async () => {
    // Renewals every 2 s and progress every 1.5 s read the flag often enough: no check is needed.
    const { checks, renewals, run } = await setup({ cancelCheckSeconds: 2.5 }, 6_000);
    scripted.script = async (context) => {
      for (let i = 0; i < 4; i++) {
        await work(1_500, context.signal);
        await context.heartbeat({ percent: (i + 1) * 25 });
      }
      return 'done';
    };
    const outcome = run();
    await vi.advanceTimersByTimeAsync(6_000);
    expect(await outcome).toMatchObject({ kind: 'completed' });
    expect(renewals.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(checks).not.toHaveBeenCalled();
  });

  it('logs a failed check and tries again at the next interval', async () => {
    const { checks, run, requestCancel, warnings } = await setup();
    checks.mockRejectedValueOnce(new Error('throttled'));
    scripted.script = ({ signal }) => work(15_000, signal);
    const outcome = run();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(warnings).toContain('Cancel check failed; the next one tries again');
    requestCancel();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(await outcome).toMatchObject({ kind: 'canceled' });
    expect(checks).toHaveBeenCalledTimes(2);
  });

  it('records nothing when the record a check reads back is no longer its own', async () => {
    const { store, run, requestCancel } = await setup();
    scripted.script = ({ signal }) => work(15_000, signal);
    const outcome = run();
    await vi.advanceTimersByTimeAsync(1_000);
    requestCancel({ leaseOwner: 'another-worker' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await outcome).toMatchObject({ kind: 'skipped', reason: 'lease-lost', ack: false });
    expect(await store.get(ID)).toMatchObject({ status: 'InProgress', leaseOwner: 'another-worker' });
  });
});
