/**
 * processJob and inputs the store keeps elsewhere: the handler gets what `loadInput` opens, and
 * an input that cannot be opened again fails the job at once instead of retrying.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import { JobCatalog } from '../../lambdas/core/catalog';
import { PermanentJobError } from '../../lambdas/core/errors';
import type { Job } from '../../lambdas/core/job';
import { processJob } from '../../lambdas/core/use-cases/process-job';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { FakeDelivery } from '../support/fake-delivery';
import { aJob, ManualClock, sequentialIds, silentLogger } from '../support/jobs';

/** A store that keeps the input "elsewhere": jobs carry a reference, `loadInput` opens it. */
class ReferencingStore extends InMemoryJobStore {
  constructor(private readonly open: (reference: unknown) => Promise<unknown>) {
    super();
  }
  override async loadInput(job: Job): Promise<unknown> {
    return this.open(job.input);
  }
}

async function run(store: InMemoryJobStore, job: Job) {
  await store.create(job);
  const clock = new ManualClock();
  const delivery = new FakeDelivery(job.id);
  const outcome = await processJob(
    {
      catalog: new JobCatalog(jobTypes),
      store,
      clock,
      ids: sequentialIds(),
      logger: silentLogger,
      retentionSeconds: 60,
    },
    { delivery, jobName: job.name, deadlineAt: clock.now().getTime() + 30_000, leaseMs: 40_000 },
  );
  return { outcome, delivery };
}

describe('processJob with a stored input', () => {
  it('runs the handler on the input the store opens, not on its reference', async () => {
    const store = new ReferencingStore(async (reference) => ({ opened: reference }));
    const { outcome } = await run(store, aJob({ input: 'ref-1' }));
    expect(outcome).toMatchObject({ kind: 'completed', job: { result: { opened: 'ref-1' } } });
  });

  it('fails the job permanently, without a retry, when the stored input is gone', async () => {
    const store = new ReferencingStore(async () => {
      throw new PermanentJobError('The stored input is gone', { code: 'INPUT_UNAVAILABLE' });
    });
    const { outcome, delivery } = await run(store, aJob({ input: 'ref-2', maxRetries: 5 }));
    expect(outcome).toMatchObject({ kind: 'failed', job: { status: 'Failed', retryCount: 0 } });
    expect(delivery.deadLetters[0]?.code).toBe('INPUT_UNAVAILABLE');
  });
});
