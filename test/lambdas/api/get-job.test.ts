import { describe, expect, it } from 'vitest';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import { makeGetJobHandler } from '../../../lambdas/api/get-job';
import { JobCatalog } from '../../../lambdas/core/catalog';
import { jobTypes } from '../../../lambdas/jobs/catalog';
import { ALICE, apiEvent, BOB } from '../../support/api-events';
import { aJob, ManualClock, silentLogger, T0 } from '../../support/jobs';

const ID = aJob().id;

async function setup(job = aJob({ owner: ALICE })) {
  const store = new InMemoryJobStore();
  await store.create(job);
  const clock = new ManualClock();
  const handler = makeGetJobHandler({
    catalog: new JobCatalog(jobTypes),
    store,
    clock,
    logger: silentLogger,
  });
  const get = (id = ID, caller = ALICE) =>
    handler(apiEvent({ method: 'GET', nameOrId: id, body: null, caller }));
  return { get, clock };
}

describe('GET /jobs/{id}', () => {
  it('answers 200 with the job and Retry-After while it is not finished', async () => {
    const { get } = await setup();
    const response = await get();
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({
      id: ID,
      status: 'Queued',
      error: null,
      startedAt: null,
    });
    expect(response.headers?.['Retry-After']).toBe('2');
  });

  it('suggests waiting until a scheduled retry is due', async () => {
    const due = new Date(T0.getTime() + 30_000).toISOString();
    const { get } = await setup(aJob({ owner: ALICE, status: 'Scheduled', retryDelayUntil: due }));
    expect((await get()).headers?.['Retry-After']).toBe('30');
  });

  it('sends no Retry-After once the job is finished, and shows the result', async () => {
    const { get } = await setup(aJob({ owner: ALICE, status: 'Completed', result: { ok: true } }));
    const response = await get();
    expect(response.headers).not.toHaveProperty('Retry-After');
    expect(JSON.parse(response.body).result).toEqual({ ok: true });
  });

  it('shows a failed job with its error code and message, and no stack', async () => {
    const error = { code: 'PLANNED_FAILURE', message: 'Planned permanent failure' };
    const { get } = await setup(aJob({ owner: ALICE, status: 'Failed', error }));
    expect(JSON.parse((await get()).body).error).toEqual(error);
  });

  it.each([
    ['an unknown id', () => '00000000-0000-4000-8000-0000000000ff', ALICE],
    ["another caller's job", () => ID, BOB],
    ['an id that is not a UUID', () => '..%2Fetc', ALICE],
  ])('answers 404 problem JSON for %s', async (_label, id, caller) => {
    const { get } = await setup();
    const response = await get(id(), caller);
    expect(response.statusCode).toBe(404);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(JSON.parse(response.body).code).toBe('JOB_NOT_FOUND');
  });

  it('answers 404 for a job past its retention, before TTL has deleted it', async () => {
    const { get, clock } = await setup();
    clock.advance(86_400_000 + 1);
    expect((await get()).statusCode).toBe(404);
  });
});
