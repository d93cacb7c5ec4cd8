/**
 * The local mode's DynamoDB emulators: which one `auto` picks and why, that both answer the real
 * SDK, that stop() leaves no JVM behind, the stale-port check, and the messages when Java is missing.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { javaMajorVersion, type LocalDynamoDb, startDynamoDb } from '../../local/emulators/dynamodb';
import {
  assertPortFree,
  JAVA_INSTALL_HINT,
  parseJavaMajorVersion,
} from '../../local/emulators/dynamodb-process';
import { createJobTable } from '../support/dynamodb-local';

const portOf = (endpoint: string) => Number(new URL(endpoint).port);
const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/**
 * Dead: no such process, or a zombie nobody reaped (containers whose PID 1 does not reap) with
 * no thread left (a JVM's main thread turns zombie while its other threads are still exiting).
 */
const isGone = (pid: number) => {
  if (!isRunning(pid)) return true;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /^State:\s+Z/m.test(status) && readdirSync(`/proc/${pid}/task`).length <= 1;
  } catch {
    return true;
  }
};
const portIsFree = (port: number) =>
  assertPortFree(port, 'a check').then(
    () => true,
    () => false,
  );
async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}
/** A Java probe that finds no `java`: the PATH holds no directory with one. */
const noJava = () => javaMajorVersion('java', { PATH: '/nonexistent' });

async function expectRoundTrip(emulator: LocalDynamoDb): Promise<void> {
  const table = await createJobTable(emulator.client, 'round-trip');
  const { TableNames } = await emulator.client.send(new ListTablesCommand({}));
  expect(TableNames).toContain(table);
  await emulator.documentClient.send(
    new PutCommand({
      TableName: table,
      Item: { id: 'a', n: 1, nested: { list: [1, 'x'] }, gone: undefined },
    }),
  );
  const { Item } = await emulator.documentClient.send(
    new GetCommand({ TableName: table, Key: { id: 'a' }, ConsistentRead: true }),
  );
  expect(Item).toEqual({ id: 'a', n: 1, nested: { list: [1, 'x'] } });
}

describe('auto, with Java 17+ on the PATH (this machine and CI)', () => {
  let emulator: LocalDynamoDb;
  beforeAll(async () => {
    const java = await javaMajorVersion();
    if (java === undefined || java < 17) {
      throw new Error(`These tests need Java 17 or newer (found: ${java ?? 'none'}): ${JAVA_INSTALL_HINT}`);
    }
    emulator = await startDynamoDb({ startTimeoutMs: 60_000 });
  }, 90_000);
  afterAll(async () => {
    await emulator?.stop();
  });

  it('picks DynamoDB Local and says why', () => {
    expect(emulator.kind).toBe('DynamoDB Local');
    expect(emulator.reason).toMatch(/^Java \d+ found: DynamoDB Local 3\.3\.0/);
    expect(emulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.pid).toBeGreaterThan(0);
    // In memory (the default), a restart would lose every table: none is offered.
    expect(emulator.restart).toBeUndefined();
  });

  it('answers ListTables, PutItem and GetItem', async () => {
    await expectRoundTrip(emulator);
  });

  // DynamoDB Local 2+ accepts only letters and digits in access key ids: "some-one" is rejected.
  it('keeps one database for every credential and Region (sharedDb)', async () => {
    const table = await createJobTable(emulator.client, 'shared');
    const other = new DynamoDBClient({
      endpoint: emulator.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'someoneElse', secretAccessKey: 'x' },
    });
    try {
      expect((await other.send(new ListTablesCommand({}))).TableNames).toContain(table);
    } finally {
      other.destroy();
    }
  });

  it.each(['dynamodb-local', 'dynalite'] as const)(
    'refuses to start %s on the port it holds, with a clear message',
    async (prefer) => {
      const port = portOf(emulator.endpoint);
      await expect(startDynamoDb({ prefer, port })).rejects.toThrow(
        new RegExp(`port ${port} is already in use.*ss -ltnp`),
      );
    },
  );

  it('stops: the JVM is gone, its exit hook removed, and a second stop is harmless', async () => {
    const pid = emulator.pid as number;
    const exitHooks = process.listenerCount('exit');
    expect(isRunning(pid)).toBe(true);
    await emulator.stop();
    expect(() => process.kill(pid, 0)).toThrow();
    expect(process.listenerCount('exit')).toBe(exitHooks - 1);
    await emulator.stop();
    expect(process.listenerCount('exit')).toBe(exitHooks - 1);
  });
});

describe('when the process that started DynamoDB Local dies without stop()', () => {
  it.concurrent.each([
    ['is killed (SIGKILL)', 'setInterval(() => {}, 1000);'],
    ['calls process.exit', 'process.exit(3);'],
  ])(
    'takes the JVM along when it %s, freeing the port',
    async (_label, then) => {
      const script =
        "const { startDynamoDb } = require('./local/emulators/dynamodb.ts');" +
        'startDynamoDb({ prefer: "dynamodb-local", startTimeoutMs: 60000 }).then((e) => {' +
        `  console.log(JSON.stringify({ pid: e.pid, endpoint: e.endpoint })); ${then} });`;
      const parent = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      parent.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = once(parent, 'exit');
      const line = await Promise.race([
        once(parent.stdout, 'data').then(([chunk]) => String(chunk)),
        exited.then(() => {
          throw new Error(`The parent process died before starting DynamoDB Local:\n${stderr}`);
        }),
      ]);
      const { pid, endpoint } = JSON.parse(line) as { pid: number; endpoint: string };
      expect(isRunning(pid)).toBe(true);
      if (parent.exitCode === null) parent.kill('SIGKILL');
      await exited;
      expect(await waitUntil(() => isGone(pid), 5_000)).toBe(true);
      expect(await waitUntil(() => portIsFree(portOf(endpoint)), 5_000)).toBe(true);
    },
    120_000,
  );
});

describe('dynalite', () => {
  it('is what prefer: dynalite gives, answers the SDK, and stops twice', async () => {
    const emulator = await startDynamoDb({ prefer: 'dynalite' });
    try {
      expect(emulator.kind).toBe('dynalite');
      expect(emulator.reason).toMatch(/dynalite requested/);
      expect(emulator.pid).toBeUndefined();
      await expectRoundTrip(emulator);
    } finally {
      await emulator.stop();
    }
    await emulator.stop();
    await expect(emulator.client.send(new ListTablesCommand({}))).rejects.toThrow();
  });

  it('listens on the port it is given, and frees it on stop', async () => {
    const first = await startDynamoDb({ prefer: 'dynalite' });
    const port = portOf(first.endpoint);
    await first.stop();
    const second = await startDynamoDb({ prefer: 'dynalite', port });
    try {
      expect(second.endpoint).toBe(`http://127.0.0.1:${port}`);
      await expectRoundTrip(second);
    } finally {
      await second.stop();
    }
  });
});

describe('the stale-port check', () => {
  let squatter: Server;
  let port: number;
  beforeAll(async () => {
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    port = (squatter.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  });

  it.each(['dynamodb-local', 'dynalite'] as const)(
    'fails fast for %s when anything listens on the port, before starting a JVM',
    async (prefer) => {
      const started = Date.now();
      const error: Error = await startDynamoDb({ prefer, port }).catch((e) => e);
      expect(error.message).toMatch(/^Cannot start (DynamoDB Local|dynalite): port \d+ is already in use/);
      expect(error.message).toContain(`lsof -i :${port}`);
      expect(Date.now() - started).toBeLessThan(2_000);
    },
  );
});

describe('without Java 17', () => {
  it('finds no Java when the PATH has none', async () => {
    expect(await noJava()).toBeUndefined();
  });

  it.each([
    ['openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version "11.0.22" 2024-01-16', 11],
    ['java version "1.8.0_392"\nJava(TM) SE Runtime Environment', 8],
    ['openjdk version "25-ea" 2025-09-16', 25],
    ['command not found', undefined],
  ])('reads the major version from %j', (output, major) => {
    expect(parseJavaMajorVersion(output)).toBe(major);
  });

  it('refuses dynamodb-local with a message naming what to install', async () => {
    const error: Error = await startDynamoDb({ prefer: 'dynamodb-local', javaMajorVersion: noJava }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/needs Java 17 or newer, but no `java` was found on the PATH/);
    expect(error.message).toContain('apt-get install -y openjdk-17-jre-headless');
    expect(error.message).toContain("prefer: 'dynalite'");
  });

  it('refuses dynamodb-local on Java 11, saying so', async () => {
    await expect(
      startDynamoDb({ prefer: 'dynamodb-local', javaMajorVersion: async () => 11 }),
    ).rejects.toThrow(/the `java` on the PATH is Java 11.*openjdk-17-jre-headless/);
  });

  it.each([
    [noJava, /^No Java 17\+ on the PATH \(install openjdk-17-jre-headless for full fidelity\): dynalite$/],
    [
      async () => 11,
      /^Java 11 on the PATH is older than 17 \(install openjdk-17-jre-headless.*\): dynalite$/,
    ],
  ])('auto falls back to dynalite and says why (%#)', async (probe, reason) => {
    const emulator = await startDynamoDb({ javaMajorVersion: probe });
    try {
      expect(emulator.kind).toBe('dynalite');
      expect(emulator.reason).toMatch(reason);
    } finally {
      await emulator.stop();
    }
  });
});
