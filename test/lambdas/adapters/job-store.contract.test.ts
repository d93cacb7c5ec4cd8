/**
 * One contract for every JobStore adapter: the in-memory one and the DynamoDB one, through the
 * real SDK client, on both emulators that speak DynamoDB's wire protocol: dynalite (in-process)
 * and DynamoDB Local (AWS's own, a JVM: needs Java 17, and fails loudly without it).
 */
import { describe, expect, it } from 'vitest';
import { DynamoDbJobStore } from '../../../lambdas/adapters/dynamodb-job-store';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import { canClaim } from '../../../lambdas/core/claim';
import { JobAlreadyExistsError, JobVersionConflictError } from '../../../lambdas/core/errors';
import type { Job } from '../../../lambdas/core/job';
import type { JobStore } from '../../../lambdas/core/ports';
import { transition } from '../../../lambdas/core/transition';
import { createJobTable, useDynamoDb } from '../../support/dynamodb-local';
import { aJob, T0 } from '../../support/jobs';

type Factory = () => Promise<JobStore>;

const dynalite = useDynamoDb('dynalite');
const dynamoDbLocal = useDynamoDb('dynamodb-local');

const adapters: [string, Factory][] = [
  ['InMemoryJobStore', async () => new InMemoryJobStore()],
  [
    'DynamoDbJobStore (dynalite)',
    async () =>
      new DynamoDbJobStore(dynalite.current.documentClient, await createJobTable(dynalite.current.client)),
  ],
  [
    'DynamoDbJobStore (DynamoDB Local)',
    async () =>
      new DynamoDbJobStore(
        dynamoDbLocal.current.documentClient,
        await createJobTable(dynamoDbLocal.current.client),
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

  it('lets exactly one of many concurrent creates win', async () => {
    const store = await makeStore();
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => store.create(aJob())));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
