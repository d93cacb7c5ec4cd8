import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbJobStore } from '../../../lambdas/adapters/dynamodb-job-store';
import { JobVersionConflictError } from '../../../lambdas/core/errors';
import { aJob, T0 } from '../../support/jobs';

const ddb = mockClient(DynamoDBDocumentClient);
const store = new DynamoDbJobStore(
  DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
  'jobs',
);
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
});
