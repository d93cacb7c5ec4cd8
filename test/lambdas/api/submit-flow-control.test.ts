import { describe, expect, it } from 'vitest';
import { InMemoryJobQueue } from '../../../lambdas/adapters/in-memory-job-queue';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import { makeSubmitHandler, readPriority, type SubmitHandlerDeps } from '../../../lambdas/api/submit';
import { JobCatalog } from '../../../lambdas/core/catalog';
import type { JobSettings } from '../../../lambdas/core/job-settings';
import { PriorityJobQueue } from '../../../lambdas/core/priority';
import { jobTypes } from '../../../lambdas/jobs/catalog';
import { apiEvent } from '../../support/api-events';
import { ManualClock, sequentialIds, silentLogger } from '../../support/jobs';

function setup(echo: Partial<JobSettings> = {}, backlog = 0, overrides: Partial<SubmitHandlerDeps> = {}) {
  const store = new InMemoryJobStore();
  const normal = new InMemoryJobQueue();
  const high = new InMemoryJobQueue();
  const handler = makeSubmitHandler({
    catalog: new JobCatalog(jobTypes, { echo }),
    store,
    queueFor: () => new PriorityJobQueue({ normal, high }),
    backlogFor: () => ({ read: async () => backlog }),
    clock: new ManualClock(),
    ids: sequentialIds(),
    logger: silentLogger,
    retentionSeconds: 86_400,
    maxBodyBytes: 1_024,
    countSubmitted: () => {},
    ...overrides,
  });
  return { handler, store, normal, high };
}

const body = (response: { body: string }) => JSON.parse(response.body);
const withQuery = (query: Record<string, string>, headers: Record<string, string> = {}) => ({
  ...apiEvent({ headers: { 'Content-Type': 'application/json', ...headers } }),
  queryStringParameters: query,
});

describe('readPriority', () => {
  it.each([
    [{}, {}, 'normal'],
    [{ Priority: 'high' }, {}, 'high'],
    [{ priority: 'HIGH' }, {}, 'high'],
    [{ Priority: ' High ' }, {}, 'high'],
    [{ Priority: 'normal' }, {}, 'normal'],
    // RFC 9218 syntax, as browsers and proxies send it: ignored, not refused.
    [{ Priority: 'u=0, i' }, {}, 'normal'],
    [{ Priority: 'u=7' }, {}, 'normal'],
    [{ Priority: 'urgent' }, {}, 'normal'],
    [{}, { priority: 'high' }, 'high'],
    [{}, { priority: 'Normal' }, 'normal'],
    // The query parameter is explicit, so it wins over a header.
    [{ Priority: 'high' }, { priority: 'normal' }, 'normal'],
  ])('headers %j and query %j -> %s', (headers, query, expected) => {
    expect(readPriority({ headers, queryStringParameters: query })).toBe(expected);
  });

  it('treats an empty query parameter as absent', () => {
    expect(readPriority({ headers: { Priority: 'high' }, queryStringParameters: { priority: '' } })).toBe(
      'high',
    );
  });

  it.each(['urgent', 'u=0', '1'])("refuses the query value '%s'", (value) => {
    expect(() => readPriority({ headers: {}, queryStringParameters: { priority: value } })).toThrow(
      /'high' or 'normal'/,
    );
  });
});

describe('POST /jobs/{name} with a priority', () => {
  it('answers 202 with priority high and queues the job on the high-priority queue', async () => {
    const { handler, store, high, normal } = setup({ highPriorityMaxConcurrency: 2 });
    const response = await handler(
      apiEvent({ headers: { 'Content-Type': 'application/json', Priority: 'high' } }),
    );
    expect(response.statusCode).toBe(202);
    const job = body(response);
    expect(job.priority).toBe('high');
    expect((await store.get(job.id))?.priority).toBe('high');
    expect(high.sent.map((m) => m.id)).toEqual([job.id]);
    expect(normal.sent).toEqual([]);
  });

  it('takes ?priority=high too', async () => {
    const { handler, high } = setup({ highPriorityMaxConcurrency: 2 });
    const response = await handler(withQuery({ priority: 'high' }));
    expect(response.statusCode).toBe(202);
    expect(high.sent).toHaveLength(1);
  });

  it('answers 400 PRIORITY_NOT_ENABLED naming the setting when the type has no priorities', async () => {
    const { handler, store } = setup();
    const response = await handler(withQuery({ priority: 'high' }));
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(body(response)).toMatchObject({
      type: 'urn:async-endpoints:problem:priority-not-enabled',
      code: 'PRIORITY_NOT_ENABLED',
      setting: 'highPriorityMaxConcurrency',
    });
    expect(body(response).detail).toMatch(/highPriorityMaxConcurrency/);
    expect(store.jobs.size).toBe(0);
  });

  it('answers 400 INVALID_PRIORITY for a bad query value', async () => {
    const { handler, store } = setup({ highPriorityMaxConcurrency: 2 });
    const response = await handler(withQuery({ priority: 'asap' }));
    expect(response.statusCode).toBe(400);
    expect(body(response)).toMatchObject({ code: 'INVALID_PRIORITY' });
    expect(store.jobs.size).toBe(0);
  });
});

describe('POST /jobs/{name} over maxBacklog', () => {
  it('answers 429 BACKLOG_FULL with Retry-After, and stores nothing', async () => {
    const { handler, store, normal } = setup({ maxBacklog: 10 }, 10);
    const response = await handler(apiEvent());
    expect(response.statusCode).toBe(429);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/problem+json',
      'Retry-After': '10',
    });
    expect(body(response)).toMatchObject({
      type: 'urn:async-endpoints:problem:backlog-full',
      title: 'Too Many Requests',
      status: 429,
      code: 'BACKLOG_FULL',
      maxBacklog: 10,
    });
    expect(store.jobs.size).toBe(0);
    expect(normal.sent).toEqual([]);
  });

  it('answers 202 below the limit', async () => {
    const { handler } = setup({ maxBacklog: 10 }, 9);
    expect((await handler(apiEvent())).statusCode).toBe(202);
  });

  it('answers a replay of an accepted job with 200 even while the backlog is full', async () => {
    let backlog = 0;
    const { handler } = setup({ maxBacklog: 1 }, 0, { backlogFor: () => ({ read: async () => backlog }) });
    const event = apiEvent({ headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-1' } });
    const first = await handler(event);
    expect(first.statusCode).toBe(202);
    backlog = 5;
    const again = await handler(event);
    expect(again.statusCode).toBe(200);
    expect(body(again).id).toBe(body(first).id);
    const fresh = await handler(
      apiEvent({ headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'k-2' } }),
    );
    expect(fresh.statusCode).toBe(429);
  });
});
