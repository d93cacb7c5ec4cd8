import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isTransientServiceError } from '../../../lambdas/adapters/transient-errors';
import { freePort } from '../../../local/emulators/dynamodb-process';
import { LOCAL_AWS } from '../../../local/emulators/types';

const $metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

/** What the SDK really throws when nothing listens on the endpoint (after its own retries). */
async function refusedConnection(): Promise<unknown> {
  const client = new DynamoDBClient({
    ...LOCAL_AWS,
    endpoint: `http://127.0.0.1:${await freePort()}`,
    maxAttempts: 1,
  });
  try {
    return await client.send(new GetItemCommand({ TableName: 'jobs', Key: { id: { S: 'x' } } })).then(
      () => undefined,
      (error: unknown) => error,
    );
  } finally {
    client.destroy();
  }
}

describe('isTransientServiceError', () => {
  it('is true for a refused connection, as the SDK reports it', async () => {
    const error = await refusedConnection();
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isTransientServiceError(error)).toBe(true);
  });

  it.each([
    ['throttling', new ProvisionedThroughputExceededException({ message: 'slow down', ...$metadata(400) })],
    ['a 500', new InternalServerError({ message: 'oops', ...$metadata(500) })],
    ['a 503 of any name', Object.assign(new Error('unavailable'), $metadata(503))],
    ['a 429', Object.assign(new Error('too many'), { name: 'SomethingElse', ...$metadata(429) })],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('is true for %s', (_label, error) => {
    expect(isTransientServiceError(error)).toBe(true);
  });

  it.each([
    ['a failed condition', new ConditionalCheckFailedException({ message: 'no', ...$metadata(400) })],
    ['a missing table', new ResourceNotFoundException({ message: 'no table', ...$metadata(400) })],
    ['a bug of ours', new TypeError('x is undefined')],
    ['a plain error', new Error('secret internals')],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('is false for %s', (_label, error) => {
    expect(isTransientServiceError(error)).toBe(false);
  });
});
