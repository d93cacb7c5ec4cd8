/**
 * `GET /jobs` end to end through HTTP against the local system (DynamoDB Local or dynalite with
 * the ByOwner index, fauxqs, the event sources), exactly as `npm start` runs it, with each
 * caller's jobs spread over several owner shards.
 */
import { describe, expect, it } from 'vitest';
import type { JobView } from '../../lambdas/core/job';
import { isTerminal } from '../../lambdas/core/job-status';
import type { JobSummaryView } from '../../lambdas/core/job-summary';
import { loadLocalConfig } from '../../local/local-config';
import { acceptedId, jobOf, until, useLocalSystem } from '../support/local-e2e';

const local = useLocalSystem(() => ({ config: loadLocalConfig({ table: { ownerShards: 4 } }) }));

interface Page {
  items: JobSummaryView[];
  nextCursor: string | null;
}

/** What a listing shows of a job. */
const summaryOf = (job: JobView): JobSummaryView => ({
  id: job.id,
  name: job.name,
  status: job.status,
  createdAt: job.createdAt,
  startedAt: job.startedAt,
  completedAt: job.completedAt,
  href: `/jobs/${job.id}`,
});

const as = (principal: string) => ({ headers: { 'X-Local-Principal': principal } });

async function list(principal: string, query = '') {
  return local.client.request('GET', `/jobs${query ? `?${query}` : ''}`, as(principal));
}

/** Submits one job as `principal` and polls it, as its owner, until it is finished. */
async function run(principal: string, name: string, input: unknown): Promise<JobView> {
  const id = await acceptedId(local.client, name, input, as(principal).headers);
  return until(
    () => jobOf(local.client, id, principal),
    (job) => isTerminal(job.status),
    { timeoutMs: 30_000 },
  );
}

describe('GET /jobs on the local system', () => {
  it("lists the caller's finished jobs, newest first, as summaries linking to the job, and no one else's", async () => {
    const mine: JobView[] = [];
    for (let n = 0; n < 3; n += 1) mine.push(await run('lister-1', 'echo', { n }));
    const theirs = await run('lister-2', 'echo', { n: 99 });

    const reply = await list('lister-1');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    const page = reply.body as unknown as Page;
    expect(page).toEqual({ items: [...mine].reverse().map(summaryOf), nextCursor: null });
    expect(((await list('lister-2')).body as unknown as Page).items).toEqual([theirs].map(summaryOf));
    // The link leads to the full job.
    const full = await local.client.get(String(page.items[0]?.id), 'lister-1');
    expect(full.body).toEqual(mine.at(-1));
  });

  it('pages with limit and nextCursor over every owner shard, without duplicates or gaps', async () => {
    const submitted = await Promise.all(
      Array.from({ length: 7 }, (_, n) => local.client.submit('echo', { n }, as('pager').headers)),
    );
    const ids = new Set(submitted.map((reply) => String(reply.body.id)));
    const seen: JobSummaryView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const reply = await list('pager', query);
      expect(reply.status).toBe(200);
      const page = reply.body as unknown as Page;
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((job) => job.id).sort()).toEqual([...ids].sort());
    const created = seen.map((job) => job.createdAt);
    expect(created).toEqual([...created].sort().reverse());
  });

  it('filters by job name and status', async () => {
    const failed = await run('filterer', 'fail', { permanent: true });
    const echoed = await run('filterer', 'echo', {});
    const ids = async (query: string) =>
      ((await list('filterer', query)).body as unknown as Page).items.map((job) => job.id);
    expect(await ids('name=fail')).toEqual([failed.id]);
    expect(await ids('status=Completed')).toEqual([echoed.id]);
    expect(await ids('name=echo&status=Failed')).toEqual([]);
  });

  it.each([
    ['limit=0', 'INVALID_QUERY'],
    ['limit=500', 'INVALID_QUERY'],
    ['status=Finished', 'INVALID_QUERY'],
    ['name=NOT%20A%20NAME', 'INVALID_QUERY'],
    ['page=2', 'INVALID_QUERY'],
    ['cursor=not-a-cursor', 'INVALID_CURSOR'],
  ])('answers 400 problem JSON for ?%s', async (query, code) => {
    const reply = await list('anyone', query);
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.body).toMatchObject({ status: 400, code, detail: expect.any(String) });
  });

  it('answers 405 with Allow: GET for other methods on /jobs', async () => {
    const reply = await local.client.request('POST', '/jobs', {
      body: '{}',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('GET');
  });
});
