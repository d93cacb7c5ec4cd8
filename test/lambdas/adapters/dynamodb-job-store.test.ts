import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchGetItems } from '../../../lambdas/adapters/batch-get-items';
import { DynamoDbJobStore } from '../../../lambdas/adapters/dynamodb-job-store';
import { isTransientServiceError } from '../../../lambdas/adapters/transient-errors';
import { JobVersionConflictError } from '../../../lambdas/core/errors';
import { aJob, T0 } from '../../support/jobs';

const ddb = mockClient(DynamoDBDocumentClient);
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const store = new DynamoDbJobStore(client, 'jobs');
const throttled = () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
const conflict = () => new ConditionalCheckFailedException({ message: 'no', $metadata: {} });

beforeEach(() => ddb.reset());

describe('DynamoDbJobStore error paths', () => {
  it('passes throttling on create through untouched', async () => {
    ddb.on(PutCommand).rejects(throttled());
    await expect(store.create(aJob())).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('rethrows the conditional failure when the conflicting record vanished (TTL) before the read', async () => {
    ddb.on(PutCommand).rejects(conflict());
    ddb.on(GetCommand).resolves({});
    await expect(store.create(aJob())).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('turns a conditional failure on update into JobVersionConflictError with the cause', async () => {
    ddb.on(PutCommand).rejects(conflict());
    const error = await store.update({ ...aJob(), version: 5 }).catch((e) => e);
    expect(error).toBeInstanceOf(JobVersionConflictError);
    expect(error.expectedVersion).toBe(4);
    expect(error.cause).toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('passes throttling on claim through, so the delivery is retried', async () => {
    ddb.on(UpdateCommand).rejects(throttled());
    const request = { id: 'j', leaseOwner: 'w', leaseExpiresAt: T0, now: T0 };
    await expect(store.claim(request)).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });

  it('reads with strong consistency', async () => {
    ddb.on(GetCommand).resolves({});
    await store.get('j');
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      ConsistentRead: true,
      TableName: 'jobs',
    });
  });

  it('checks for a cancel with an eventually consistent read of the flag alone', async () => {
    ddb.on(GetCommand).resolves({ Item: { cancelRequestedAt: T0.toISOString() } });
    expect(await store.cancelRequested('j')).toBe(true);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'jobs',
      Key: { id: 'j' },
      ProjectionExpression: '#cancel',
      ExpressionAttributeNames: { '#cancel': 'cancelRequestedAt' },
      ConsistentRead: false,
    });
  });

  it('passes throttling on a cancel check through, for the lease keeper to log and try again', async () => {
    ddb.on(GetCommand).rejects(throttled());
    await expect(store.cancelRequested('j')).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
  });
});

describe('DynamoDbJobStore list: live attributes from the table', () => {
  const entry = (n: number) => ({
    id: `j${n}`,
    name: 'echo',
    createdAt: `2026-01-01T00:00:0${n}.000Z`,
    createdKey: `2026-01-01T00:00:0${n}.000Z#j${n}`,
  });
  const live = (n: number) => ({ id: `j${n}`, status: 'Queued', expiresAt: 4_000_000_000 });
  const query = { owner: 'o', limit: 10, now: T0 };

  it('skips an entry whose record vanished (TTL) between the query and the read', async () => {
    ddb.on(QueryCommand).resolves({ Items: [entry(3), entry(2), entry(1)] });
    ddb.on(BatchGetCommand).resolves({ Responses: { jobs: [live(3), live(1)] } });
    const page = await store.list(query);
    expect(page.items.map((job) => job.id)).toEqual(['j3', 'j1']);
    expect(page.nextCursor).toBeUndefined();
  });

  it('reads only the live attributes, eventually consistent', async () => {
    ddb.on(QueryCommand).resolves({ Items: [entry(1)] });
    ddb.on(BatchGetCommand).resolves({ Responses: { jobs: [live(1)] } });
    await store.list(query);
    const request = ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.jobs;
    expect(request?.Keys).toEqual([{ id: 'j1' }]);
    expect(request?.ConsistentRead).toBeUndefined();
    expect(
      request?.ProjectionExpression?.split(', ').map((name) => request.ExpressionAttributeNames?.[name]),
    ).toEqual(['id', 'status', 'startedAt', 'completedAt', 'expiresAt']);
  });
});

describe('batchGetItems', () => {
  const noWait = { sleep: async () => {} };
  const request = (count: number) => ({
    tableName: 'jobs',
    keys: Array.from({ length: count }, (_, n) => ({ id: `j${n}` })),
    attributes: ['id'],
  });

  it('retries the keys DynamoDB left unprocessed until none are left', async () => {
    ddb
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { jobs: [{ id: 'j0' }] },
        UnprocessedKeys: { jobs: { Keys: [{ id: 'j1' }] } },
      })
      .resolvesOnce({ Responses: { jobs: [{ id: 'j1' }] } });
    const delays: number[] = [];
    const items = await batchGetItems(client, request(2), {
      baseDelayMs: 10,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    expect(items).toEqual([{ id: 'j0' }, { id: 'j1' }]);
    expect(ddb.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems?.jobs?.Keys).toEqual([
      { id: 'j1' },
    ]);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeLessThan(10);
  });

  it('fails when keys stay unprocessed after every retry', async () => {
    ddb.on(BatchGetCommand).resolves({ UnprocessedKeys: { jobs: { Keys: [{ id: 'j0' }] } } });
    const failure = batchGetItems(client, request(1), { attempts: 2, ...noWait });
    await expect(failure).rejects.toThrow(/1 keys unprocessed after 2 retries/);
    // Transient, like the throttling behind it: the API answers 503 with Retry-After, not 500.
    expect(isTransientServiceError(await failure.catch((error: unknown) => error))).toBe(true);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(3);
  });

  it('asks for at most 100 keys per call', async () => {
    ddb.on(BatchGetCommand).resolves({ Responses: { jobs: [] } });
    await batchGetItems(client, request(250), noWait);
    expect(
      ddb.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.jobs?.Keys?.length),
    ).toEqual([100, 100, 50]);
  });
});
