import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** DynamoDB's most keys per BatchGetItem call. */
export const BATCH_GET_MAX_KEYS = 100;

/** How {@link batchGetItems} retries the keys DynamoDB left unprocessed. */
export interface BatchGetRetry {
  /**
   * Retries of the unprocessed keys after the first call (per chunk of 100).
   * @default 8
   */
  readonly attempts?: number;
  /**
   * Base delay of the exponential backoff with full jitter, ms: retry n waits up to base x 2^n.
   * @default 25
   */
  readonly baseDelayMs?: number;
  /** Waits `ms` (tests pass one that does not). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Keys DynamoDB kept leaving unprocessed: the table is throttling (or a call hit 16 MB) past
 * every retry. Marked a server fault, as the SDK marks throttling, so the API answers 503 with
 * `Retry-After` (see `transient-errors.ts`) rather than 500.
 */
export class BatchGetUnprocessedError extends Error {
  override readonly name = 'BatchGetUnprocessedError';
  readonly $fault = 'server';
}

export interface BatchGetRequest {
  readonly tableName: string;
  /** Primary keys, at most once each (DynamoDB refuses duplicate keys in one call). */
  readonly keys: readonly Record<string, unknown>[];
  /** Attributes to return (names, placed in ExpressionAttributeNames, so reserved words are fine). */
  readonly attributes: readonly string[];
}

/**
 * Reads many items by key, eventually consistent: chunks of 100 keys in parallel, each retrying
 * the keys DynamoDB leaves unprocessed (it does so under throttling or past 16 MB) with
 * exponential backoff, as the BatchGetItem documentation asks. Items that do not exist are simply
 * absent from the result (in any order).
 *
 * @throws BatchGetUnprocessedError when keys stay unprocessed after every retry (transient: the
 *   caller's request fails with 503 and may be retried)
 */
export async function batchGetItems(
  client: DynamoDBDocumentClient,
  request: BatchGetRequest,
  retry: BatchGetRetry = {},
): Promise<Record<string, unknown>[]> {
  const names = Object.fromEntries(request.attributes.map((name, i) => [`#a${i}`, name]));
  const projection = Object.keys(names).join(', ');
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < request.keys.length; i += BATCH_GET_MAX_KEYS) {
    chunks.push(request.keys.slice(i, i + BATCH_GET_MAX_KEYS));
  }
  const read = async (chunk: Record<string, unknown>[]) => {
    const attempts = retry.attempts ?? 8;
    const base = retry.baseDelayMs ?? 25;
    const sleep = retry.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const found: Record<string, unknown>[] = [];
    let pending = chunk;
    for (let attempt = 0; ; attempt++) {
      const { Responses, UnprocessedKeys } = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [request.tableName]: {
              Keys: pending,
              ProjectionExpression: projection,
              ExpressionAttributeNames: names,
            },
          },
        }),
      );
      found.push(...(Responses?.[request.tableName] ?? []));
      pending = UnprocessedKeys?.[request.tableName]?.Keys ?? [];
      if (pending.length === 0) return found;
      if (attempt >= attempts) {
        throw new BatchGetUnprocessedError(
          `BatchGetItem left ${pending.length} keys unprocessed after ${attempts} retries`,
        );
      }
      await sleep(Math.random() * base * 2 ** attempt);
    }
  };
  return (await Promise.all(chunks.map(read))).flat();
}
