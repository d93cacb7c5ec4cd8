import { describe, expect, it } from 'vitest';
import { InMemoryJobQueue } from '../../../lambdas/adapters/in-memory-job-queue';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import { makeRetryJobHandler } from '../../../lambdas/api/retry-job';
import { JobCatalog } from '../../../lambdas/core/catalog';
import type { Job } from '../../../lambdas/core/job';
import type { JobQueue } from '../../../lambdas/core/ports';
import { jobTypes } from '../../../lambdas/jobs/catalog';
import { ALICE, apiEvent, BOB } from '../../support/api-events';
import { aJob, ManualClock, silentLogger } from '../../support/jobs';

const ID = aJob().id;
const failed = aJob({ owner: ALICE, status: 'Failed', attempt: 1, error: { code: 'BOOM', message: 'x' } });

async function setup(job: Job = failed, queue: JobQueue = new InMemoryJobQueue()) {
  const store = new InMemoryJobStore();
  await store.create(job);
  const handler = makeRetryJobHandler({
    catalog: new JobCatalog(jobTypes),
    store,
    queueFor: () => queue,
    clock: new ManualClock(),
    logger: silentLogger,
    retentionSeconds: 3_600,
  });
  const retry = (id = ID, caller = ALICE) =>
    handler(apiEvent({ method: 'POST', nameOrId: id, path: `/jobs/${id}/retry`, body: null, caller }));
  return { retry, store, queue };
}

describe('POST /jobs/{id}/retry', () => {
  it('answers 202 with the Queued job, its Location and Retry-After', async () => {
    const { retry, queue } = await setup();
    const response = await retry();
    expect(response.statusCode).toBe(202);
    expect(response.headers).toMatchObject({ Location: `/prod/jobs/${ID}`, 'Retry-After': '2' });
    expect(JSON.parse(response.body)).toMatchObject({ id: ID, status: 'Queued', retryCount: 0, error: null });
    expect((queue as InMemoryJobQueue).sent).toEqual([{ id: ID, name: 'echo' }]);
  });

  it('answers 409 JOB_NOT_FAILED with the status for a job that is not Failed', async () => {
    const { retry } = await setup(aJob({ owner: ALICE, status: 'Completed' }));
    const response = await retry();
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body)).toMatchObject({
      code: 'JOB_NOT_FAILED',
      jobId: ID,
      jobStatus: 'Completed',
    });
  });

  it.each([
    ['an unknown id', '00000000-0000-4000-8000-0000000000ff', ALICE],
    ["another caller's job", ID, BOB],
    ['an id that is not a UUID', 'echo', ALICE],
  ])('answers 404 JOB_NOT_FOUND for %s', async (_label, id, caller) => {
    const { retry, store } = await setup();
    const response = await retry(id, caller);
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body).code).toBe('JOB_NOT_FOUND');
    expect((await store.get(ID))?.status).toBe('Failed');
  });

  it('answers 503 ENQUEUE_FAILED with Retry-After when the message cannot be sent', async () => {
    const { retry, store } = await setup(failed, {
      enqueue: async () => {
        throw new Error('SQS down');
      },
    });
    const response = await retry();
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('5');
    expect(JSON.parse(response.body)).toMatchObject({ code: 'ENQUEUE_FAILED', jobId: ID });
    expect((await store.get(ID))?.status).toBe('Failed');
  });
});
