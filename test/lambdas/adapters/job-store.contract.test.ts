/**
 * One contract for every JobStore adapter: the in-memory one and the DynamoDB one, through the
 * real SDK client, on both emulators that speak DynamoDB's wire protocol: dynalite (in-process)
 * and DynamoDB Local (AWS's own, a JVM: needs Java 17, and fails loudly without it).
 */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbJobStore } from '../../../lambdas/adapters/dynamodb-job-store';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import { canClaim } from '../../../lambdas/core/claim';
import {
  InvalidCursorError,
  JobAlreadyExistsError,
  JobVersionConflictError,
} from '../../../lambdas/core/errors';
import type { Job } from '../../../lambdas/core/job';
import { summaryOf } from '../../../lambdas/core/job-summary';
import type { JobPage, JobStore, ListJobsQuery, StaleJob } from '../../../lambdas/core/ports';
import { transition } from '../../../lambdas/core/transition';
import { BY_OWNER_INDEX, ownerShardKey, shardOf, type TableShards } from '../../../lambdas/table-schema';
import { createJobTable, useDynamoDb } from '../../support/dynamodb-local';
import { aJob, T0 } from '../../support/jobs';

type Factory = () => Promise<JobStore>;

const dynalite = useDynamoDb('dynalite');
const dynamoDbLocal = useDynamoDb('dynamodb-local');

/** Several shards of each index, so every listing below merges shards. */
const SHARDS: TableShards = { activeShards: 16, ownerShards: 4 };
const activeShardOf = (id: string) => shardOf(id, SHARDS.activeShards);

const adapters: [string, Factory][] = [
  ['InMemoryJobStore', async () => new InMemoryJobStore(SHARDS)],
  [
    'DynamoDbJobStore (dynalite)',
    async () =>
      new DynamoDbJobStore(dynalite.current.documentClient, await createJobTable(dynalite.current.client), {
        shards: SHARDS,
      }),
  ],
  [
    'DynamoDbJobStore (DynamoDB Local)',
    async () =>
      new DynamoDbJobStore(
        dynamoDbLocal.current.documentClient,
        await createJobTable(dynamoDbLocal.current.client),
        { shards: SHARDS },
      ),
  ],
];

const now = new Date(T0.getTime() + 60_000);
const past = new Date(now.getTime() - 1_000).toISOString();
const future = new Date(now.getTime() + 1_000).toISOString();
const claimOf = (job: Job, owner = 'worker-1') => ({
  id: job.id,
  leaseOwner: owner,
  leaseExpiresAt: new Date(now.getTime() + 30_000),
  now,
});

describe.each(adapters)('JobStore contract: %s', (_name, makeStore) => {
  it('returns what it stored, with any JSON input and result intact', async () => {
    const store = await makeStore();
    const input = { big: 1e200, tiny: 5e-324, deep: [[{ '': null }]], text: '\u{1F600}\u0000 ' };
    const job = aJob({ input, result: [1, 'two', { three: 3 }], error: { code: 'E', message: 'm' } });
    await store.create(job);
    expect(await store.get(job.id)).toEqual(job);
  });

  it('returns undefined for an unknown id', async () => {
    expect(await (await makeStore()).get('00000000-0000-4000-8000-00000000dead')).toBeUndefined();
  });

  it('refuses a second create with the same id, returning the stored record', async () => {
    const store = await makeStore();
    const job = aJob();
    await store.create(job);
    const error = await store.create({ ...job, owner: 'someone-else' }).catch((e) => e);
    expect(error).toBeInstanceOf(JobAlreadyExistsError);
    expect(error.existing).toEqual(job);
  });

  it('updates only from the expected version', async () => {
    const store = await makeStore();
    const job = aJob();
    await store.create(job);
    const failed = transition(job, 'Failed', now, { error: { code: 'X', message: 'x' } });
    await store.update(failed);
    expect(await store.get(job.id)).toEqual(failed);
    await expect(store.update(transition(job, 'Canceled', now))).rejects.toThrow(JobVersionConflictError);
    expect(await store.get(job.id)).toEqual(failed);
  });

  it.each<[string, Partial<Job>]>([
    ['Queued', { status: 'Queued' }],
    ['Scheduled and due', { status: 'Scheduled', retryDelayUntil: past }],
    ['Scheduled, not due', { status: 'Scheduled', retryDelayUntil: future }],
    [
      'InProgress, live lease',
      { status: 'InProgress', attempt: 1, leaseOwner: 'w0', leaseExpiresAt: future },
    ],
    [
      'InProgress, expired lease',
      { status: 'InProgress', attempt: 1, leaseOwner: 'w0', leaseExpiresAt: past },
    ],
    ['Completed', { status: 'Completed', result: 1 }],
    ['Failed', { status: 'Failed', error: { code: 'X', message: 'x' } }],
    ['Canceled', { status: 'Canceled' }],
  ])('claims exactly as canClaim says: %s', async (_label, fields) => {
    const store = await makeStore();
    const job = aJob(fields);
    await store.create(job);
    const result = await store.claim(claimOf(job));
    expect(result.claimed).toBe(canClaim(job, now));
    if (result.claimed) {
      expect(result.job).toEqual(
        transition(job, 'InProgress', now, {
          attempt: job.attempt + 1,
          leaseOwner: 'worker-1',
          leaseExpiresAt: new Date(now.getTime() + 30_000).toISOString(),
        }),
      );
      expect(await store.get(job.id)).toEqual(result.job);
    } else {
      expect(result.job).toEqual(job);
    }
  });

  it('reports no job when claiming an unknown id', async () => {
    const store = await makeStore();
    expect(await store.claim(claimOf(aJob()))).toEqual({ claimed: false });
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const store = await makeStore();
    const job = aJob();
    await store.create(job);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.claim(claimOf(job, `worker-${i}`))),
    );
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    expect((await store.get(job.id))?.attempt).toBe(1);
  });

  describe('heartbeat', () => {
    const beatOf = (job: Job, owner = 'worker-1', progress?: { percent?: number; message?: string }) => ({
      id: job.id,
      leaseOwner: owner,
      leaseExpiresAt: new Date(now.getTime() + 60_000),
      now,
      ...(progress ? { progress } : {}),
    });

    it("extends the holder's lease, stores progress and bumps the version", async () => {
      const store = await makeStore();
      const job = aJob({ status: 'InProgress', attempt: 1, leaseOwner: 'worker-1', leaseExpiresAt: future });
      await store.create(job);
      const renewed = await store.heartbeat(beatOf(job, 'worker-1', { percent: 40, message: 'halfway' }));
      const expected: Job = {
        ...job,
        leaseExpiresAt: new Date(now.getTime() + 60_000).toISOString(),
        lastUpdatedAt: now.toISOString(),
        progress: { percent: 40, message: 'halfway', updatedAt: now.toISOString() },
        version: job.version + 1,
      };
      expect(renewed).toEqual(expected);
      expect(await store.get(job.id)).toEqual(expected);
    });

    it('keeps the last progress when a heartbeat carries none', async () => {
      const store = await makeStore();
      const progress = { percent: 10, updatedAt: T0.toISOString() };
      const job = aJob({
        status: 'InProgress',
        attempt: 1,
        leaseOwner: 'worker-1',
        leaseExpiresAt: past,
        progress,
      });
      await store.create(job);
      const renewed = await store.heartbeat(beatOf(job));
      // An expired lease that nobody re-claimed is still this worker's to renew.
      expect(renewed).toMatchObject({ progress, version: job.version + 1, leaseOwner: 'worker-1' });
    });

    it('returns the cancel request written since the claim', async () => {
      const store = await makeStore();
      const job = aJob({ status: 'InProgress', attempt: 1, leaseOwner: 'worker-1', leaseExpiresAt: future });
      await store.create(job);
      await store.update({ ...job, cancelRequestedAt: now.toISOString(), version: job.version + 1 });
      expect((await store.heartbeat(beatOf(job)))?.cancelRequestedAt).toBe(now.toISOString());
    });

    it.each<[string, Partial<Job>]>([
      [
        'another worker holds the lease',
        { status: 'InProgress', leaseOwner: 'worker-2', leaseExpiresAt: future },
      ],
      ['the job is no longer running', { status: 'Canceled' }],
      ['the job was rescheduled', { status: 'Scheduled', retryDelayUntil: future }],
    ])('changes nothing and returns undefined when %s', async (_label, fields) => {
      const store = await makeStore();
      const job = aJob({ attempt: 1, ...fields });
      await store.create(job);
      expect(await store.heartbeat(beatOf(job, 'worker-1', { percent: 1 }))).toBeUndefined();
      expect(await store.get(job.id)).toEqual(job);
    });

    it('returns undefined for an unknown id', async () => {
      const store = await makeStore();
      expect(await store.heartbeat(beatOf(aJob()))).toBeUndefined();
    });
  });

  describe('cancelRequested', () => {
    it('tells whether the owner asked to cancel the job, without changing it', async () => {
      const store = await makeStore();
      const job = aJob({ status: 'InProgress', attempt: 1, leaseOwner: 'worker-1', leaseExpiresAt: future });
      await store.create(job);
      expect(await store.cancelRequested(job.id)).toBe(false);
      const requested = { ...job, cancelRequestedAt: now.toISOString(), version: job.version + 1 };
      await store.update(requested);
      // Eventually consistent: a real table may lag for a moment, so ask until it tells.
      let seen = false;
      for (let i = 0; i < 50 && !seen; i++) seen = await store.cancelRequested(job.id);
      expect(seen).toBe(true);
      expect(await store.get(job.id)).toEqual(requested);
    });

    it('answers false for an unknown id', async () => {
      const store = await makeStore();
      expect(await store.cancelRequested(aJob().id)).toBe(false);
    });
  });

  it('lets exactly one of many concurrent creates win', async () => {
    const store = await makeStore();
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => store.create(aJob())));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  describe('listStale', () => {
    const updatedAt = (n: number) => new Date(T0.getTime() + n * 1000).toISOString();
    const ids = (page: { items: StaleJob[] }) => page.items.map((job) => job.id);
    // Job numbers whose ids share one shard, so one query sees them all, in order.
    const shard = activeShardOf(idOf(0));
    const inShard = Array.from({ length: 400 }, (_, n) => n).filter((n) => activeShardOf(idOf(n)) === shard);
    const sn = (i: number) => inShard[i] as number;

    it("lists a shard's unfinished jobs updated before the time, oldest first, as the index projects them", async () => {
      const store = await makeStore();
      const active = [
        ownJob(sn(1), {
          status: 'InProgress',
          lastUpdatedAt: updatedAt(30),
          leaseOwner: 'w',
          leaseExpiresAt: past,
        }),
        ownJob(sn(2), { status: 'Queued', lastUpdatedAt: updatedAt(10) }),
        ownJob(sn(3), { status: 'Scheduled', lastUpdatedAt: updatedAt(20), retryDelayUntil: past }),
      ];
      await createAll(store, [
        ...active,
        ownJob(sn(4), { status: 'Completed', lastUpdatedAt: updatedAt(1) }),
        ownJob(sn(5), { status: 'Failed', lastUpdatedAt: updatedAt(2), error: { code: 'X', message: 'x' } }),
        ownJob(sn(6), { status: 'Canceled', lastUpdatedAt: updatedAt(3) }),
        ownJob(sn(7), { status: 'Queued', lastUpdatedAt: updatedAt(40) }),
      ]);
      const page = await store.listStale({ shard, updatedBefore: new Date(updatedAt(40)), limit: 10 });
      expect(ids(page)).toEqual([idOf(sn(2)), idOf(sn(3)), idOf(sn(1))]);
      expect(page.items).toEqual([active[1], active[2], active[0]].map(staleOf));
    });

    it('pages through stale jobs with no duplicates or gaps', async () => {
      const store = await makeStore();
      await createAll(
        store,
        Array.from({ length: 5 }, (_, i) => ownJob(sn(i), { lastUpdatedAt: updatedAt(10 - i) })),
      );
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listStale({
          shard,
          updatedBefore: now,
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...ids(page));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(seen).toEqual([4, 3, 2, 1, 0].map((i) => idOf(sn(i))));
    });

    it('spreads unfinished jobs over its shards, listing each job in its own shard only', async () => {
      const store = await makeStore();
      expect(store.activeShards).toBe(SHARDS.activeShards);
      const jobs = Array.from({ length: 64 }, (_, n) => ownJob(n, { lastUpdatedAt: updatedAt(n % 50) }));
      await createAll(store, jobs);
      const found = new Map<string, number>();
      for (let s = 0; s < store.activeShards; s++) {
        let cursor: string | undefined;
        do {
          const page = await store.listStale({
            shard: s,
            updatedBefore: now,
            limit: 10,
            ...(cursor ? { cursor } : {}),
          });
          for (const id of ids(page)) {
            expect(found.has(id)).toBe(false);
            found.set(id, s);
          }
          cursor = page.nextCursor;
        } while (cursor !== undefined);
      }
      expect([...found.keys()].sort()).toEqual(jobs.map((job) => job.id).sort());
      for (const [id, s] of found) expect(s).toBe(activeShardOf(id));
      // 64 sequential ids must not pile up in a few shards.
      expect(new Set(found.values()).size).toBeGreaterThanOrEqual(12);
    });

    it('keeps a claimed job listed and drops a finished one', async () => {
      const store = await makeStore();
      const job = ownJob(1, { lastUpdatedAt: updatedAt(1) });
      const own = { shard: activeShardOf(job.id), limit: 10 };
      await store.create(job);
      const claim = await store.claim(claimOf(job));
      const later = new Date(now.getTime() + 1);
      expect(ids(await store.listStale({ ...own, updatedBefore: later }))).toEqual([idOf(1)]);
      if (!claim.claimed) throw new Error('not claimed');
      await store.update(transition(claim.job, 'Completed', now, { result: 1 }));
      expect(ids(await store.listStale({ ...own, updatedBefore: later }))).toEqual([]);
    });

    it('refuses a malformed cursor', async () => {
      const store = await makeStore();
      await expect(
        store.listStale({ shard: 0, updatedBefore: now, limit: 1, cursor: '!!!' }),
      ).rejects.toThrow(InvalidCursorError);
    });
  });

  describe('list', () => {
    it("lists only the owner's jobs, newest first, as summaries", async () => {
      const store = await makeStore();
      const jobs = [0, 1, 2, 3].map((n) => ownJob(n, { result: { n } }));
      jobs[2] = ownJob(2, { status: 'Completed', startedAt: T0.toISOString(), completedAt: past, result: 2 });
      await createAll(store, [...jobs, ownJob(9, { owner: BOB }), ownJob(10, { owner: `${ALICE}-2` })]);
      const page = await store.list(listQuery());
      expect(page).toEqual({ items: [...jobs].reverse().map(summaryOf) });
      expect(Object.keys(page.items[1] ?? {}).sort()).toEqual(
        ['completedAt', 'createdAt', 'expiresAt', 'id', 'name', 'startedAt', 'status'].sort(),
      );
    });

    it.each([
      [1, {}],
      [3, {}],
      [7, {}],
      [2, { status: 'Failed' as const }],
      [5, { name: 'sleep' }],
    ])(
      'pages %i at a time (filter %j) through many jobs over every shard: the pages concatenate to the full newest-first list',
      async (limit, filter) => {
        const store = await makeStore();
        // 60 jobs, some created in the same millisecond (ties are ordered by id, newest first).
        const jobs = Array.from({ length: 60 }, (_, n) =>
          ownJob(n, {
            createdAt: new Date(T0.getTime() + Math.floor(n / 3) * 1000).toISOString(),
            name: n % 4 === 0 ? 'sleep' : 'echo',
            ...(n % 5 === 0 ? { status: 'Failed', error: { code: 'X', message: 'x' } } : {}),
          }),
        );
        expect(new Set(jobs.map((job) => shardOf(job.id, SHARDS.ownerShards))).size).toBe(SHARDS.ownerShards);
        await createAll(store, [...jobs, ...[0, 1].map((n) => ownJob(200 + n, { owner: BOB }))]);
        const expected = jobs
          .filter((job) => Object.entries(filter).every(([key, value]) => job[key as keyof Job] === value))
          .sort((a, b) =>
            a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
          )
          .map(summaryOf);
        const pages = await allPages(store, listQuery({ limit, ...filter }));
        expect(pages.flatMap((page) => page.items)).toEqual(expected);
        for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(limit);
        // Unfiltered pages are full: the merge reads on until the page is.
        if (Object.keys(filter).length === 0) expect(pages.length).toBe(Math.ceil(expected.length / limit));
      },
    );

    it('lists nothing for an owner without jobs', async () => {
      const store = await makeStore();
      await createAll(store, [ownJob(0)]);
      expect(await store.list(listQuery({ owner: BOB }))).toEqual({ items: [] });
    });

    it.each<[string, Partial<ListJobsQuery>, number[]]>([
      ['name', { name: 'sleep' }, [5, 3, 1]],
      ['status', { status: 'Failed' }, [4, 3]],
      ['name and status', { name: 'sleep', status: 'Failed' }, [3]],
      ['a name no job has', { name: 'thumbnail' }, []],
    ])('filters by %s', async (_label, filter, expected) => {
      const store = await makeStore();
      await createAll(
        store,
        [0, 1, 2, 3, 4, 5].map((n) =>
          ownJob(n, {
            name: n % 2 === 1 ? 'sleep' : 'echo',
            ...(n === 3 || n === 4 ? { status: 'Failed', error: { code: 'X', message: 'x' } } : {}),
          }),
        ),
      );
      const page = await store.list(listQuery(filter));
      expect(page.items.map((job) => job.id)).toEqual(expected.map(idOf));
      expect(page.nextCursor).toBeUndefined();
    });

    it('hides jobs past their expiry, before TTL has deleted them', async () => {
      const store = await makeStore();
      const nowSeconds = now.getTime() / 1000;
      await createAll(store, [
        ownJob(0, { expiresAt: nowSeconds - 1 }),
        ownJob(1, { expiresAt: nowSeconds }),
        ownJob(2, { expiresAt: nowSeconds + 1 }),
      ]);
      expect((await store.list(listQuery())).items.map((job) => job.id)).toEqual([idOf(2)]);
    });

    it.each([1, 7, 25, 100])(
      'pages through 25 jobs %i at a time without duplicates or gaps',
      async (limit) => {
        const store = await makeStore();
        const jobs = Array.from({ length: 25 }, (_, n) => ownJob(n));
        await createAll(store, [...jobs, ...[0, 1, 2].map((n) => ownJob(100 + n, { owner: BOB }))]);
        const pages = await allPages(store, listQuery({ limit }));
        expect(pages.flatMap((page) => page.items.map((job) => job.id))).toEqual(
          [...jobs].reverse().map((job) => job.id),
        );
        for (const page of pages) expect(page.items.length).toBeLessThanOrEqual(limit);
        expect(pages.length).toBe(Math.max(1, Math.ceil(25 / limit)));
      },
    );

    it('pages through jobs created in the same millisecond', async () => {
      const store = await makeStore();
      const jobs = Array.from({ length: 9 }, (_, n) => ownJob(n, { createdAt: T0.toISOString() }));
      await createAll(store, jobs);
      const pages = await allPages(store, listQuery({ limit: 2 }));
      const ids = pages.flatMap((page) => page.items.map((job) => job.id));
      expect([...ids].sort()).toEqual(jobs.map((job) => job.id).sort());
    });

    it('pages through a filter with no duplicates or gaps', async () => {
      const store = await makeStore();
      const jobs = Array.from({ length: 30 }, (_, n) => ownJob(n, { name: n % 3 === 0 ? 'sleep' : 'echo' }));
      await createAll(store, jobs);
      const pages = await allPages(store, listQuery({ name: 'sleep', limit: 4 }));
      expect(pages.flatMap((page) => page.items.map((job) => job.id))).toEqual(
        [27, 24, 21, 18, 15, 12, 9, 6, 3, 0].map(idOf),
      );
    });

    it('lists a job with its state as of its last write: claimed, then finished', async () => {
      const store = await makeStore();
      const job = ownJob(1);
      await store.create(job);
      const claim = await store.claim(claimOf(job));
      if (!claim.claimed) throw new Error('not claimed');
      expect((await store.list(listQuery())).items).toEqual([summaryOf(claim.job)]);
      const done = transition(claim.job, 'Completed', now, { result: 1 });
      await store.update(done);
      expect((await store.list(listQuery())).items).toEqual([summaryOf(done)]);
    });

    it("keeps a cursor to its caller: with another owner's cursor, they see only their own jobs", async () => {
      const store = await makeStore();
      await createAll(
        store,
        [0, 1, 2, 3, 4, 5].map((n) => ownJob(n, n % 2 === 0 ? {} : { owner: BOB })),
      );
      const alicePage = await store.list(listQuery({ limit: 1 }));
      expect(alicePage.items.map((job) => job.id)).toEqual([idOf(4)]);
      const bobPage = await store.list(listQuery({ owner: BOB, cursor: alicePage.nextCursor }));
      expect(bobPage.items.map((job) => job.id)).toEqual([idOf(3), idOf(1)]);
    });

    it.each([
      ['not base64url', '!!!'],
      ['not JSON', Buffer.from('{"c":').toString('base64url')],
      ['a JSON array', Buffer.from('[1,2]').toString('base64url')],
      ['missing the id', Buffer.from(JSON.stringify({ c: T0.toISOString() })).toString('base64url')],
      ['a bad timestamp', Buffer.from(JSON.stringify({ c: 'yesterday', i: 'x' })).toString('base64url')],
      [
        'an extra field',
        Buffer.from(JSON.stringify({ c: T0.toISOString(), i: 'x', o: BOB })).toString('base64url'),
      ],
      ['too long', 'A'.repeat(10_000)],
    ])('refuses a malformed cursor: %s', async (_label, cursor) => {
      const store = await makeStore();
      await createAll(store, [ownJob(0)]);
      await expect(store.list(listQuery({ cursor }))).rejects.toThrow(InvalidCursorError);
    });
  });
});

describe('DynamoDbJobStore list bounds', () => {
  it('returns a short page with a cursor after maxQueryCalls, and resumes from it', async () => {
    const store = new DynamoDbJobStore(
      dynalite.current.documentClient,
      await createJobTable(dynalite.current.client),
      {
        shards: { activeShards: 1, ownerShards: 1 },
        maxQueryCalls: 2,
        filteredQueryLimit: 3,
      },
    );
    // The only Failed job is the oldest of 10: two calls of 3 do not reach it.
    await createAll(store, [
      ownJob(0, { status: 'Failed', error: { code: 'X', message: 'x' } }),
      ...Array.from({ length: 9 }, (_, n) => ownJob(n + 1)),
    ]);
    const first = await store.list(listQuery({ status: 'Failed', limit: 1 }));
    expect(first.items).toEqual([]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const pages = await allPages(store, listQuery({ status: 'Failed', limit: 1, cursor: first.nextCursor }));
    expect(pages.flatMap((page) => page.items.map((job) => job.id))).toEqual([idOf(0)]);
  });
});

it.each([2, 4])(
  'with %i owner shards, a short page resumes without skipping or repeating',
  async (ownerShards) => {
    const store = new DynamoDbJobStore(
      dynalite.current.documentClient,
      await createJobTable(dynalite.current.client),
      { shards: { activeShards: 1, ownerShards }, maxQueryCalls: 1, filteredQueryLimit: ownerShards },
    );
    const jobs = Array.from({ length: 24 }, (_, n) =>
      ownJob(n, n % 6 === 0 ? { status: 'Failed', error: { code: 'X', message: 'x' } } : {}),
    );
    await createAll(store, jobs);
    const pages = await allPages(store, listQuery({ status: 'Failed', limit: 2 }));
    expect(pages.flatMap((page) => page.items.map((job) => job.id))).toEqual([18, 12, 6, 0].map(idOf));
    // One round of one item per shard cannot fill a page: the pages are short but lose nothing.
    expect(pages.length).toBeGreaterThan(2);
  },
);

describe.each([
  ['dynalite', dynalite],
  ['DynamoDB Local', dynamoDbLocal],
])('ByOwner on %s: written once per job', (_name, emulator) => {
  it('keeps the entry the submit wrote through a claim and an outcome, while the listing follows the record', async () => {
    const tableName = await createJobTable(emulator.current.client);
    const store = new DynamoDbJobStore(emulator.current.documentClient, tableName, { shards: SHARDS });
    const job = ownJob(1);
    await store.create(job);
    const submitted = await byOwnerEntries(emulator.current.documentClient, tableName);
    // Keys and what never changes after submit: nothing a claim or an outcome writes.
    expect(submitted).toEqual([
      {
        id: job.id,
        ownerShard: `${ALICE}#${shardOf(job.id, SHARDS.ownerShards)}`,
        createdKey: `${job.createdAt}#${job.id}`,
        name: job.name,
        createdAt: job.createdAt,
      },
    ]);
    const claim = await store.claim(claimOf(job));
    if (!claim.claimed) throw new Error('not claimed');
    expect(await byOwnerEntries(emulator.current.documentClient, tableName)).toEqual(submitted);
    expect((await store.list(listQuery({ status: 'InProgress' }))).items).toEqual([summaryOf(claim.job)]);
    const done = transition(claim.job, 'Completed', now, { result: 1 });
    await store.update(done);
    expect(await byOwnerEntries(emulator.current.documentClient, tableName)).toEqual(submitted);
    expect((await store.list(listQuery({ status: 'Completed' }))).items).toEqual([summaryOf(done)]);
    expect((await store.list(listQuery({ status: 'InProgress' }))).items).toEqual([]);
  });
});

/** Every entry of ALICE's ByOwner shards, as the index holds it. */
async function byOwnerEntries(client: DynamoDBDocumentClient, tableName: string) {
  const pages = await Promise.all(
    Array.from({ length: SHARDS.ownerShards }, (_, n) =>
      client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: BY_OWNER_INDEX.indexName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': BY_OWNER_INDEX.partitionKey },
          ExpressionAttributeValues: { ':pk': ownerShardKey(ALICE, n) },
        }),
      ),
    ),
  );
  return pages.flatMap((page) => page.Items ?? []);
}

/** What the Active index shows of a job. */
function staleOf(job: Job): StaleJob {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    lastUpdatedAt: job.lastUpdatedAt,
    ...(job.leaseExpiresAt === undefined ? {} : { leaseExpiresAt: job.leaseExpiresAt }),
    ...(job.retryDelayUntil === undefined ? {} : { retryDelayUntil: job.retryDelayUntil }),
  };
}

const ALICE = aJob().owner;
const BOB = 'arn:aws:iam::111111111111:user/bob';

/** Job `n` of the listing tests: a distinct id, created `n` seconds after T0 (later is newer). */
function ownJob(n: number, fields: Partial<Job> = {}): Job {
  return aJob({
    id: idOf(n),
    owner: ALICE,
    createdAt: new Date(T0.getTime() + n * 1000).toISOString(),
    ...fields,
  });
}

function idOf(n: number): string {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

function listQuery(fields: Partial<ListJobsQuery> = {}): ListJobsQuery {
  return { owner: ALICE, limit: 100, now, ...fields };
}

async function createAll(store: JobStore, jobs: readonly Job[]): Promise<void> {
  await Promise.all(jobs.map((job) => store.create(job)));
}

/** Every page from `query` on, following nextCursor until a page has none. */
async function allPages(store: JobStore, query: ListJobsQuery): Promise<JobPage[]> {
  const pages: JobPage[] = [];
  let cursor = query.cursor;
  do {
    const page = await store.list({ ...query, ...(cursor === undefined ? {} : { cursor }) });
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > 100) throw new Error('no last page after 100 pages');
  } while (cursor !== undefined);
  return pages;
}
