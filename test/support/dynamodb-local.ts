/**
 * DynamoDB emulators for tests: one per test file (started in beforeAll, stopped in afterAll), plus
 * job tables shaped like the stack's. DynamoDB Local needs Java 17: without it the file fails
 * loudly (never skips), saying how to install it.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type LocalDynamoDb, startDynamoDb } from '../../local/emulators/dynamodb';
import { createJobTable as createProvisionedJobTable } from '../../local/provision';

export type TestDynamoDbKind = 'dynamodb-local' | 'dynalite';

/** DynamoDB Local needs 4-7 s to start; a loaded CI machine (tests run in parallel) more. */
const START_TIMEOUT_MS = 15_000;

/**
 * Starts the emulator in this file's beforeAll and stops it (waiting for the JVM to exit) in its
 * afterAll. Read `.current` inside tests or factories, not at import time.
 */
export function useDynamoDb(kind: TestDynamoDbKind): { readonly current: LocalDynamoDb } {
  let emulator: LocalDynamoDb | undefined;
  beforeAll(async () => {
    try {
      emulator = await startDynamoDb({ prefer: kind, startTimeoutMs: START_TIMEOUT_MS });
    } catch (error) {
      if (kind !== 'dynamodb-local') throw error;
      throw new Error(
        `These tests run against DynamoDB Local (AWS's emulator, Java 17+), which did not start: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }, START_TIMEOUT_MS + 5_000);
  afterAll(async () => {
    await emulator?.stop();
  });
  return {
    get current(): LocalDynamoDb {
      if (!emulator) throw new Error(`The ${kind} emulator is not running (did its beforeAll fail?)`);
      return emulator;
    },
  };
}

/**
 * Creates a fresh job table (key `id` string, on-demand: the stack's key schema) and returns its
 * name, unique per call so tests never share data.
 */
export async function createJobTable(client: DynamoDBClient, prefix = 'jobs'): Promise<string> {
  const name = `${prefix}-${randomUUID()}`;
  await createProvisionedJobTable(client, name); // returns once the table is ACTIVE
  return name;
}
