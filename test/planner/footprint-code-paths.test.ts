import { describe, expect, it, vi } from 'vitest';
import { InMemoryJobQueue } from '../../lambdas/adapters/in-memory-job-queue';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import { JobCatalog } from '../../lambdas/core/catalog';
import type { JobStore } from '../../lambdas/core/ports';
import { getJob } from '../../lambdas/core/use-cases/get-job';
import { processJob } from '../../lambdas/core/use-cases/process-job';
import { submitJob } from '../../lambdas/core/use-cases/submit-job';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { itemBytes, jobFootprint } from '../../planner/job-footprint';
import { FakeDelivery } from '../support/fake-delivery';
import { aJob, ManualClock, sequentialIds, silentLogger } from '../support/jobs';
import { scriptedJobType } from '../support/scripted-job';

/** `store`, recording the name of every JobStore call. */
function counting(store: JobStore, calls: string[]): JobStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return value.apply(target, args);
      };
    },
  });
}

const WRITES = new Set(['create', 'update', 'claim', 'heartbeat']);

describe("the planner's footprint against the core's code paths", () => {
  it('counts the store and queue calls a successful short job makes, and sizes its record', async () => {
    const calls: string[] = [];
    const memory = new InMemoryJobStore();
    const store = counting(memory, calls);
    const queue = new InMemoryJobQueue();
    const clock = new ManualClock();
    const catalog = new JobCatalog(jobTypes);
    const owner = 'arn:aws:sts::123456789012:assumed-role/a-caller-role/a-session-name';
    const common = {
      catalog,
      store,
      clock,
      ids: sequentialIds(),
      logger: silentLogger,
      retentionSeconds: 86_400,
    };
    // echo returns its input: a 1 KB input is also a 1 KB result.
    const input = { data: 'x'.repeat(1024 - 11) };
    expect(JSON.stringify(input)).toHaveLength(1024);

    const { job } = await submitJob({ ...common, queueFor: () => queue }, { owner, name: 'echo', input });
    const queued = itemBytes((await memory.get(job.id)) ?? job);
    const delivery = new FakeDelivery(job.id);
    const outcome = await processJob(common, {
      delivery,
      jobName: 'echo',
      deadlineAt: clock.now().getTime() + 25_000,
      leaseMs: 60_000,
    });
    expect(outcome.kind).toBe('completed');
    const polls = 2;
    for (let i = 0; i < polls; i++) await getJob({ store, clock }, { owner, id: job.id });

    const footprint = jobFootprint({ payloadBytes: 1024, resultBytes: 1024, durationSeconds: 0.01 });
    expect(calls.filter((c) => WRITES.has(c))).toHaveLength(footprint.tableWrites);
    // loadInput reads nothing for an input held in the record (no S3 object below the threshold).
    expect(calls).toEqual(['create', 'claim', 'loadInput', 'update', 'get', 'get']);
    expect(queue.sent).toHaveLength(footprint.messagesSent);
    expect(delivery.visibilityChanges).toEqual([]);
    // The items (record + index keys) are what the planner sized, within the few bytes the job
    // names differ by.
    const finished = itemBytes((await memory.get(job.id)) ?? job);
    expect(Math.abs(queued - footprint.sizes.queued)).toBeLessThanOrEqual(16);
    expect(Math.abs(finished - footprint.sizes.completed)).toBeLessThanOrEqual(16);
  });

  it("counts the cancel checks and renewals of a long job as the core's lease keeper makes them", async () => {
    vi.useFakeTimers();
    try {
      const calls: string[] = [];
      const memory = new InMemoryJobStore();
      const scripted = scriptedJobType();
      // A plain timer, which the fake clock runs (node:timers/promises is not faked).
      scripted.script = () => new Promise((resolve) => setTimeout(resolve, 45_000));
      await memory.create(aJob({ name: 'scripted', input: {} }));
      const clock = new ManualClock();
      const outcome = processJob(
        {
          catalog: new JobCatalog([scripted.definition]),
          store: counting(memory, calls),
          clock,
          ids: sequentialIds(),
          logger: silentLogger,
          retentionSeconds: 86_400,
        },
        {
          delivery: new FakeDelivery(aJob().id),
          jobName: 'scripted',
          deadlineAt: clock.now().getTime() + 300_000,
          leaseMs: 300_000,
        },
      );
      await vi.advanceTimersByTimeAsync(45_000);
      expect((await outcome).kind).toBe('completed');
      const footprint = jobFootprint({ payloadBytes: 2, resultBytes: 2, durationSeconds: 45 });
      expect(calls.filter((c) => c === 'cancelRequested')).toHaveLength(footprint.cancelChecks);
      expect(calls.filter((c) => c === 'heartbeat')).toHaveLength(footprint.renewals);
    } finally {
      vi.useRealTimers();
    }
  });
});
