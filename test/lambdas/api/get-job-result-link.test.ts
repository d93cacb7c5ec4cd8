import { describe, expect, it } from 'vitest';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import { makeGetJobHandler } from '../../../lambdas/api/get-job';
import { JobCatalog } from '../../../lambdas/core/catalog';
import { jobTypes } from '../../../lambdas/jobs/catalog';
import { ALICE, apiEvent } from '../../support/api-events';
import { aJob, ManualClock, silentLogger } from '../../support/jobs';

/** The store's reference to a result kept elsewhere (the in-memory store keeps anything). */
const REFERENCE = { stored: 'elsewhere' };

async function get(result: unknown) {
  const store = new InMemoryJobStore();
  const job = aJob({ owner: ALICE, status: 'Completed', result });
  await store.create(job);
  const handler = makeGetJobHandler({
    catalog: new JobCatalog(jobTypes),
    store,
    clock: new ManualClock(),
    logger: silentLogger,
    resultLink: async (value, now) =>
      JSON.stringify(value) === JSON.stringify(REFERENCE)
        ? {
            url: 'https://bucket.example/jobs/x?X-Amz-Signature=s',
            expiresAt: new Date(now.getTime() + 600_000).toISOString(),
          }
        : undefined,
  });
  const response = await handler(apiEvent({ method: 'GET', nameOrId: job.id, body: null, caller: ALICE }));
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

describe('GET /jobs/{id} with a result stored outside the record', () => {
  it('answers result null with a presigned resultUrl and when it expires', async () => {
    const { status, body } = await get(REFERENCE);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: 'Completed',
      result: null,
      resultUrl: 'https://bucket.example/jobs/x?X-Amz-Signature=s',
      resultUrlExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('keeps an inline result inline, with no resultUrl', async () => {
    const { body } = await get({ ok: true });
    expect(body.result).toEqual({ ok: true });
    expect(body).not.toHaveProperty('resultUrl');
  });
});
