/**
 * Emulator restarts, as the fault suite uses them: the endpoint goes away (requests fail, new
 * connections are refused), comes back on the same port, and nothing stored is lost, as AWS
 * endpoints that are briefly unreachable lose nothing.
 */
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { javaMajorVersion, type LocalDynamoDb, startDynamoDb } from '../../local/emulators/dynamodb';
import { JAVA_INSTALL_HINT } from '../../local/emulators/dynamodb-process';
import { LOCAL_AWS } from '../../local/emulators/types';
import { createJobTable } from '../support/dynamodb-local';
import { temporaryDataDir } from '../support/emulator-restarts';
import { startTestSqs } from '../support/fauxqs-server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one call sees now, with no SDK retries: 'ok' or the error's code. */
async function probe(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'ok';
  } catch (error) {
    return String((error as { code?: string }).code ?? (error as Error).name);
  }
}

describe('fauxqs restart', () => {
  it('refuses connections while down, then answers on the same port with every message kept', async () => {
    const sqs = await startTestSqs();
    const bare = new SQSClient({ ...LOCAL_AWS, endpoint: sqs.endpoint, maxAttempts: 1 });
    try {
      const queue = await sqs.createQueue();
      await sqs.sendAll(queue.url, ['a', 'b', 'c']);
      const restarted = sqs.restart({ downMs: 400 });
      await sleep(100);
      const whileDown = await probe(() =>
        bare.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'lost' })),
      );
      const { downMs, kind } = await restarted;
      expect(whileDown).toBe('ECONNREFUSED');
      expect(kind).toBe('listener');
      expect(downMs).toBeGreaterThanOrEqual(400);
      expect(await sqs.countAll(queue.url)).toBe(3);
      const bodies = (await sqs.receiveNow(queue.url)).map((m) => m.Body).sort();
      expect(bodies).toEqual(['a', 'b', 'c']);
      // A second restart works as the first, and the queue still answers.
      await sqs.restart({ downMs: 0 });
      expect(await sqs.countAll(queue.url)).toBe(3);
    } finally {
      bare.destroy();
      await sqs.stop();
    }
    await expect(sqs.restart({ downMs: 0 })).rejects.toThrow(/stopped/);
  });
});

/**
 * Puts items `width` at a time, numbered from `from`, until `count` were tried or `until()` says
 * stop; returns the ids DynamoDB acknowledged.
 */
async function putMany(
  emulator: LocalDynamoDb,
  table: string,
  options: { from?: number; count: number; until?: () => boolean; width?: number },
): Promise<string[]> {
  const acknowledged: string[] = [];
  let next = options.from ?? 0;
  const end = next + options.count;
  await Promise.all(
    Array.from({ length: options.width ?? 8 }, async () => {
      while (next < end && !options.until?.()) {
        const id = `item-${next++}`;
        const ok = await probe(() =>
          emulator.documentClient.send(new PutCommand({ TableName: table, Item: { id, n: 1 } })),
        );
        if (ok === 'ok') acknowledged.push(id);
      }
    }),
  );
  return acknowledged;
}

async function missing(emulator: LocalDynamoDb, table: string, ids: readonly string[]): Promise<string[]> {
  const gone: string[] = [];
  for (const id of ids) {
    const { Item } = await emulator.documentClient.send(
      new GetCommand({ TableName: table, Key: { id }, ConsistentRead: true }),
    );
    if (!Item) gone.push(id);
  }
  return gone;
}

describe('dynalite restart', () => {
  it('keeps its tables and items through a listener restart on the same port', async () => {
    const emulator = await startDynamoDb({ prefer: 'dynalite' });
    try {
      const table = await createJobTable(emulator.client, 'restart');
      const written = await putMany(emulator, table, { count: 50 });
      expect(written).toHaveLength(50);
      const before = emulator.endpoint;
      expect(await emulator.restart?.({ downMs: 200 })).toMatchObject({ kind: 'listener' });
      expect(emulator.endpoint).toBe(before);
      expect(await missing(emulator, table, written)).toEqual([]);
    } finally {
      await emulator.stop();
    }
  });
});

describe('DynamoDB Local restart (Java 17+)', () => {
  const dataDir = temporaryDataDir();
  afterAll(() => dataDir.remove());

  it('is killed and started again on the same port, keeping every acknowledged write', async () => {
    await requireJava();
    const emulator = await startDynamoDb({
      prefer: 'dynamodb-local',
      startTimeoutMs: 20_000,
      dbPath: dataDir.path,
    });
    const bare = new DynamoDBClient({ ...LOCAL_AWS, endpoint: emulator.endpoint, maxAttempts: 1 });
    try {
      const table = await createJobTable(emulator.client, 'restart');
      const firstPid = emulator.pid;
      const before = await putMany(emulator, table, { count: 100 });
      expect(before).toHaveLength(100);
      // Writes run on while the JVM is killed and restarted: every one it acknowledged must survive.
      let back = false;
      const restarted = emulator.restart?.({ downMs: 300 }).finally(() => {
        back = true;
      });
      const during = putMany(emulator, table, { from: 100, count: 100_000, until: () => back });
      await sleep(100);
      const whileDown = await probe(() => bare.send(new ListTablesCommand({})));
      const restart = await restarted;
      const acknowledged = [...before, ...(await during)];
      expect(whileDown).toBe('ECONNREFUSED');
      expect(restart).toMatchObject({ kind: 'process' });
      expect(restart?.downMs).toBeGreaterThanOrEqual(300);
      expect(emulator.pid).not.toBe(firstPid);
      expect(await missing(emulator, table, acknowledged)).toEqual([]);
    } finally {
      bare.destroy();
      await emulator.stop();
    }
  }, 60_000);
});

async function requireJava(): Promise<void> {
  const java = await javaMajorVersion();
  if (java === undefined || java < 17) {
    throw new Error(`These tests need Java 17 or newer (found: ${java ?? 'none'}): ${JAVA_INSTALL_HINT}`);
  }
}
