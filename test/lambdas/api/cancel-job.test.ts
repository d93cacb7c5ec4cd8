import { describe, expect, it } from 'vitest';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import { makeCancelJobHandler } from '../../../lambdas/api/cancel-job';
import type { Job } from '../../../lambdas/core/job';
import { ALICE, apiEvent, BOB } from '../../support/api-events';
import { aJob, ManualClock, silentLogger, T0 } from '../../support/jobs';

const ID = aJob().id;
const running = {
  status: 'InProgress',
  attempt: 1,
  leaseOwner: 'w',
  leaseExpiresAt: T0.toISOString(),
} as const;

async function setup(job: Job = aJob({ owner: ALICE })) {
  const store = new InMemoryJobStore();
  await store.create(job);
  const clock = new ManualClock();
  const counted: string[] = [];
  const handler = makeCancelJobHandler({
    store,
    clock,
    logger: silentLogger,
    retentionSeconds: 3_600,
    countCanceled: (name) => counted.push(name),
  });
  const cancel = (id = ID, caller = ALICE) =>
    handler(apiEvent({ method: 'DELETE', nameOrId: id, body: null, caller }));
  return { cancel, store, clock, counted };
}

describe('DELETE /jobs/{id}', () => {
  it('answers 200 with the Canceled job when it was queued', async () => {
    const { cancel, store } = await setup();
    const response = await cancel();
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toBe('application/json');
    expect(JSON.parse(response.body)).toMatchObject({
      id: ID,
      status: 'Canceled',
      error: { code: 'CANCELED' },
      completedAt: T0.toISOString(),
      cancelRequested: false,
      progress: null,
    });
    expect((await store.get(ID))?.status).toBe('Canceled');
  });

  it('answers 202 with the running job and cancelRequested once a cancel is requested', async () => {
    const progress = { percent: 30, updatedAt: T0.toISOString() };
    const { cancel, store } = await setup(aJob({ owner: ALICE, ...running, progress }));
    const response = await cancel();
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toMatchObject({
      status: 'InProgress',
      cancelRequested: true,
      progress,
    });
    expect((await store.get(ID))?.cancelRequestedAt).toBe(T0.toISOString());
  });

  it.each(['Completed', 'Failed', 'Canceled'] as const)(
    'answers 409 JOB_ALREADY_FINISHED problem JSON for a %s job',
    async (status) => {
      const { cancel } = await setup(aJob({ owner: ALICE, status }));
      const response = await cancel();
      expect(response.statusCode).toBe(409);
      expect(response.headers?.['Content-Type']).toBe('application/problem+json');
      expect(JSON.parse(response.body)).toMatchObject({
        status: 409,
        title: 'Conflict',
        code: 'JOB_ALREADY_FINISHED',
        jobId: ID,
        jobStatus: status,
      });
    },
  );

  it.each([
    ['an unknown id', '00000000-0000-4000-8000-0000000000ff', ALICE],
    ["another caller's job", ID, BOB],
    ['an id that is not a UUID', '..%2Fetc', ALICE],
  ])('answers 404 problem JSON for %s and changes nothing', async (_label, id, caller) => {
    const { cancel, store } = await setup();
    const response = await cancel(id, caller);
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body).code).toBe('JOB_NOT_FOUND');
    expect((await store.get(ID))?.status).toBe('Queued');
  });

  it('answers 404 for a job past its retention', async () => {
    const { cancel, clock } = await setup();
    clock.advance(86_400_000 + 1);
    expect((await cancel()).statusCode).toBe(404);
  });

  it('counts a job it cancels, but not one whose worker will (that worker counts it)', async () => {
    const queued = await setup();
    await queued.cancel();
    expect(queued.counted).toEqual(['echo']);
    const inProgress = await setup(aJob({ owner: ALICE, ...running }));
    await inProgress.cancel();
    expect(inProgress.counted).toEqual([]);
  });
});
