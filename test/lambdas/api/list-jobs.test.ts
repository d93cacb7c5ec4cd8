import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import { makeListJobsHandler } from '../../../lambdas/api/list-jobs';
import type { Job } from '../../../lambdas/core/job';
import { summaryOf, toJobSummaryView } from '../../../lambdas/core/job-summary';
import type { JobStore } from '../../../lambdas/core/ports';
import { ALICE, apiEvent, BOB } from '../../support/api-events';
import { aJob, ManualClock, silentLogger, T0 } from '../../support/jobs';

/** Job `n`: created `n` seconds after T0, so a higher `n` is newer. */
function jobN(n: number, fields: Partial<Job> = {}): Job {
  return aJob({
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    owner: ALICE,
    createdAt: new Date(T0.getTime() + n * 1000).toISOString(),
    ...fields,
  });
}

async function setup(jobs: readonly Job[], store: JobStore = new InMemoryJobStore()) {
  for (const job of jobs) await store.create(job);
  const clock = new ManualClock();
  const handler = makeListJobsHandler({ store, clock, logger: silentLogger });
  /** `GET /jobs?query` as API Gateway sends it: repeated parameters keep every value. */
  const list = (query = '', caller: string | null = ALICE) => {
    const values = new Map<string, string[]>();
    for (const [name, value] of new URLSearchParams(query))
      values.set(name, [...(values.get(name) ?? []), value]);
    const multi = Object.fromEntries(values);
    const single = Object.fromEntries([...values].map(([name, all]) => [name, all.at(-1) ?? '']));
    const hasQuery = values.size > 0;
    const event: APIGatewayProxyEvent = {
      ...apiEvent({ method: 'GET', path: '/jobs', body: null, caller }),
      resource: '/jobs',
      pathParameters: null,
      queryStringParameters: hasQuery ? single : null,
      multiValueQueryStringParameters: hasQuery ? multi : null,
    };
    return handler(event).then((response) => ({ ...response, json: JSON.parse(response.body) }));
  };
  return { list, clock };
}

const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);

describe('GET /jobs', () => {
  it("answers 200 with summaries of the caller's jobs, newest first, each linking to the job, and a null cursor on the last page", async () => {
    const jobs = [
      jobN(1),
      jobN(2, {
        status: 'Completed',
        result: { ok: true },
        startedAt: T0.toISOString(),
        completedAt: T0.toISOString(),
      }),
      jobN(3),
    ];
    const { list } = await setup(jobs);
    const response = await list();
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
    });
    expect(response.json).toEqual({
      items: [...jobs].reverse().map((job) => toJobSummaryView(job, `/prod/jobs/${job.id}`)),
      nextCursor: null,
    });
    expect(response.json.items[1]).toEqual({
      id: jobs[1]?.id,
      name: 'echo',
      status: 'Completed',
      createdAt: jobs[1]?.createdAt,
      startedAt: T0.toISOString(),
      completedAt: T0.toISOString(),
      href: `/prod/jobs/${jobs[1]?.id}`,
    });
  });

  it('answers 200 with no items for a caller without jobs', async () => {
    const { list } = await setup([jobN(1)]);
    expect((await list('', BOB)).json).toEqual({ items: [], nextCursor: null });
  });

  it("never shows another caller's jobs, even with their cursor", async () => {
    const { list } = await setup([
      jobN(1),
      jobN(2, { owner: BOB }),
      jobN(3),
      jobN(4, { owner: BOB }),
      jobN(5),
    ]);
    const alice = (await list('limit=1')).json;
    expect(ids(alice)).toEqual([jobN(5).id]);
    const bob = (await list(`cursor=${alice.nextCursor}`, BOB)).json;
    expect(ids(bob)).toEqual([jobN(4).id, jobN(2).id]);
  });

  it('pages 20 jobs at a time by default and follows nextCursor to the end', async () => {
    const jobs = Array.from({ length: 25 }, (_, n) => jobN(n));
    const { list } = await setup(jobs);
    const first = (await list()).json;
    expect(first.items).toHaveLength(20);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await list(`cursor=${encodeURIComponent(first.nextCursor)}`)).json;
    expect(second.nextCursor).toBeNull();
    expect([...ids(first), ...ids(second)]).toEqual([...jobs].reverse().map((job) => job.id));
  });

  it('filters by name and status', async () => {
    const failed = { status: 'Failed' as const, error: { code: 'X', message: 'x' } };
    const { list } = await setup([
      jobN(1, { name: 'sleep', ...failed }),
      jobN(2, failed),
      jobN(3, { name: 'sleep' }),
    ]);
    expect(ids((await list('name=sleep')).json)).toEqual([jobN(3).id, jobN(1).id]);
    expect(ids((await list('status=Failed')).json)).toEqual([jobN(2).id, jobN(1).id]);
    expect(ids((await list('name=sleep&status=Failed')).json)).toEqual([jobN(1).id]);
  });

  it('answers an empty page for a well-formed name that is not a job type', async () => {
    const { list } = await setup([jobN(1)]);
    expect(await list('name=thumbnail')).toMatchObject({ statusCode: 200, json: { items: [] } });
  });

  it('treats an empty parameter as absent', async () => {
    const { list } = await setup([jobN(1)]);
    expect(ids((await list('cursor=&status=&limit=')).json)).toEqual([jobN(1).id]);
  });

  it('hides jobs past their retention, before TTL has deleted them', async () => {
    const { list, clock } = await setup([jobN(1), jobN(2, { expiresAt: aJob().expiresAt + 3600 })]);
    clock.advance(86_400_000 + 1);
    expect(ids((await list()).json)).toEqual([jobN(2).id]);
  });

  it('drops expired jobs even if a store returned them', async () => {
    const leaky: JobStore = Object.assign(new InMemoryJobStore(), {
      list: async () => ({
        items: [jobN(1), jobN(3, { expiresAt: T0.getTime() / 1000 })].map(summaryOf),
        nextCursor: 'next',
      }),
    });
    const { list } = await setup([], leaky);
    expect((await list()).json).toEqual({
      items: [toJobSummaryView(jobN(1), `/prod/jobs/${jobN(1).id}`)],
      nextCursor: 'next',
    });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=1e1', 'limit'],
    ['status=queued', 'status'],
    ['status=Done', 'status'],
    ['name=Echo!', 'name'],
    [`name=${'a'.repeat(41)}`, 'name'],
    ['status=Queued&status=Failed', 'status'],
    ['owner=bob', 'owner'],
    ['sort=asc', 'sort'],
    ['__proto__=x', '__proto__'],
    ['constructor=x', 'constructor'],
  ])('answers 400 INVALID_QUERY naming the parameter for ?%s', async (query, parameter) => {
    const { list } = await setup([jobN(1)]);
    const response = await list(query);
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(response.json).toMatchObject({
      status: 400,
      code: 'INVALID_QUERY',
      errors: [{ path: parameter }],
    });
    expect(response.json.detail).toContain(parameter);
  });

  it('names every bad parameter in one answer', async () => {
    const { list } = await setup([]);
    const { json } = await list('limit=0&status=nope&page=2');
    expect(json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['limit', 'page', 'status']);
  });

  it.each([
    ['garbage', '!!!'],
    ['a truncated cursor', 'eyJjIjoiMjAyNi0wMS0wMVQwMDowMDowMS4wMDBaIiwia'],
    ['a forged shape', Buffer.from('{"owner":"bob"}').toString('base64url')],
  ])('answers 400 INVALID_CURSOR for %s', async (_label, cursor) => {
    const { list } = await setup([jobN(1)]);
    const response = await list(`cursor=${encodeURIComponent(cursor)}`);
    expect(response.statusCode).toBe(400);
    expect(response.json).toMatchObject({ code: 'INVALID_CURSOR', detail: expect.any(String) });
  });

  it('answers 403 when the request carries no IAM identity', async () => {
    const { list } = await setup([jobN(1)]);
    expect(await list('', null)).toMatchObject({ statusCode: 403, json: { code: 'NO_CALLER_IDENTITY' } });
  });
});
