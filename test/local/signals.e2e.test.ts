/**
 * Stopping `npm start` by any means, for real: npm, Node, the DynamoDB Local JVM and its
 * watchdog as the user runs them. Each test asserts that no process of the tree is left and
 * that the API, DynamoDB and SQS ports are free afterwards.
 *
 * The jobs a Ctrl-C drains are proven complete by the processor's own log line ("Delivery
 * handled", outcome completed), written after the job's Completed record was stored and after
 * the stop message: kept in memory, the emulators' data dies with the system and cannot be read
 * afterwards.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JAVA_INSTALL_HINT, javaMajorVersion } from '../../local/emulators/dynamodb-process';
import { localClient } from '../support/local-client';
import { acceptedId, jobOf, until } from '../support/local-e2e';
import { DATA_DIR_ENV, type NpmStart, startNpm } from '../support/npm-start';
import {
  isAlive,
  killSurvivors,
  type ProcessInfo,
  processTree,
  untilGone,
  untilPortFree,
} from '../support/process-tree';

const STOP_TIMEOUT_MS = 60_000;

let running: NpmStart | undefined;

/** `npm start` on DynamoDB Local, handler logs on (they prove what the drain finished). */
async function start(): Promise<NpmStart> {
  running = await startNpm({ LOCAL_DYNAMODB: 'dynamodb-local', POWERTOOLS_LOG_LEVEL: 'INFO' });
  return running;
}

const nodeOf = (system: NpmStart) => role(system.tree, 'Node', (p) => p.args.includes('local/main.ts'));
const jvmOf = (system: NpmStart) => role(system.tree, 'the JVM', (p) => p.args.includes('DynamoDBLocal.jar'));
const watchdogOf = (system: NpmStart) => role(system.tree, 'the watchdog', (p) => p.args.includes('read -r'));

function role(tree: readonly ProcessInfo[], name: string, is: (p: ProcessInfo) => boolean): ProcessInfo {
  const found = tree.find(is);
  if (!found) throw new Error(`No ${name} in the tree:\n${tree.map((p) => `  ${p.args}`).join('\n')}`);
  return found;
}

/** Every process of the tree has exited and nothing listens on the system's ports. */
async function expectAllGone(system: NpmStart): Promise<void> {
  await untilGone(system.tree, STOP_TIMEOUT_MS);
  await untilPortFree(system.ports.api, 'the API');
  await untilPortFree(system.ports.dynamodb, 'DynamoDB Local');
  await untilPortFree(system.ports.sqs, 'fauxqs');
}

beforeAll(async () => {
  const java = await javaMajorVersion();
  if (java === undefined || java < 17) {
    throw new Error(`These tests stop DynamoDB Local, which needs Java 17+: ${JAVA_INSTALL_HINT}`);
  }
});

afterEach(() => {
  // A failed test must not leave a JVM holding a port for the next one.
  if (running) {
    killSurvivors(running.tree);
    rmSync(running.dataDir, { recursive: true, force: true });
  }
  running = undefined;
});

// Each test starts npm, Node and a JVM: 15-35 s on a loaded 2-core machine before anything else.
describe('npm start', { timeout: 240_000 }, () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s to npm’s PID stops everything', async (signal) => {
    const system = await start();
    // npm forwards the signal to its script, so Node must be npm's direct child (no `sh -c`);
    // the JVM and the watchdog lead groups of their own, out of reach of a terminal's Ctrl-C.
    const node = nodeOf(system);
    expect(node.ppid).toBe(system.npm.pid);
    expect(node.pgid).toBe(system.npm.pid);
    expect(jvmOf(system).pgid).not.toBe(system.npm.pid);
    expect(watchdogOf(system).pgid).not.toBe(system.npm.pid);

    process.kill(system.npm.pid, signal);
    expect(await system.exited).toEqual({ code: 0, signal: null });
    await expectAllGone(system);
    expect(system.stdout()).toContain(`${signal}: finishing in-flight batches`);
  });

  it('Ctrl-C (SIGINT to the process group) lets the jobs in flight complete, then stops everything', async () => {
    const system = await start();
    const client = localClient(system.url);
    const ids = await Promise.all([1, 2, 3].map(() => acceptedId(client, 'sleep', { ms: 4_000 })));
    await until(
      () => Promise.all(ids.map((id) => jobOf(client, id))),
      (jobs) => jobs.every((job) => job.status === 'InProgress'),
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    process.kill(-system.npm.pid, 'SIGINT');
    expect(await system.exited).toEqual({ code: 0, signal: null });
    await expectAllGone(system);

    const out = system.stdout();
    const lines = out.split('\n');
    const stopAt = lines.findIndex((line) => line.includes('SIGINT: finishing in-flight batches'));
    expect(stopAt, out).toBeGreaterThanOrEqual(0);
    // npm forwards the terminal's SIGINT to Node again: that echo is not a second Ctrl-C.
    expect(out).not.toContain('again: stopping at once');
    for (const id of ids) {
      const handled = lines.findIndex(
        (line) => line.includes(id) && line.includes('Delivery handled') && line.includes('completed'),
      );
      expect(handled, `no completion logged for ${id}:\n${out}`).toBeGreaterThan(stopAt);
    }
    const all = out + system.stderr();
    expect(all).not.toContain('ECONNREFUSED');
    expect(all).not.toContain('Delivery failed');

    // The state is durable: the next start on the same folder reads every job Completed, on its
    // first attempt (the drain finished them; the boot recovery had nothing to run again).
    try {
      const again = await startNpm({ LOCAL_DYNAMODB: 'dynamodb-local', [DATA_DIR_ENV]: system.dataDir });
      running = again;
      const jobs = await Promise.all(ids.map((id) => jobOf(localClient(again.url), id)));
      expect(jobs.map((job) => [job.status, job.retryCount])).toEqual(ids.map(() => ['Completed', 0]));
      process.kill(again.npm.pid, 'SIGTERM');
      expect(await again.exited).toEqual({ code: 0, signal: null });
      await expectAllGone(again);
    } finally {
      rmSync(system.dataDir, { recursive: true, force: true });
    }
  });

  it('a second Ctrl-C during the drain stops at once', async () => {
    const system = await start();
    const client = localClient(system.url);
    const id = await acceptedId(client, 'sleep', { ms: 50_000 });
    await until(
      () => jobOf(client, id),
      (job) => job.status === 'InProgress',
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    process.kill(-system.npm.pid, 'SIGINT');
    await until(
      async () => system.stdout(),
      (out) => out.includes('SIGINT: finishing in-flight batches'),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    // A person's second press; npm's echo of the first one has come and gone.
    await new Promise((resolve) => setTimeout(resolve, 500));
    process.kill(-system.npm.pid, 'SIGINT');

    // Node exits 130 (128 + SIGINT) instead of 0 after the drain; npm passes the code on.
    expect(await system.exited).toEqual({ code: 130, signal: null });
    await expectAllGone(system);
    expect(system.stdout()).toContain('SIGINT again: stopping at once');
  });

  it('SIGKILL of Node: the watchdog takes the JVM down, npm exits, the ports are freed', async () => {
    const system = await start();
    const jvm = jvmOf(system);
    process.kill(nodeOf(system).pid, 'SIGKILL');
    // npm re-raises the signal that ended its script on itself.
    expect(await system.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await expectAllGone(system);
    expect(isAlive(jvm.pid)).toBe(false);
  });
});

describe('DynamoDB Local outside npm start', { timeout: 120_000 }, () => {
  it('dies with Node when Node ends through an uncaught error', async () => {
    // A process that starts DynamoDB Local, prints its tree root, then throws.
    const script = `
      require('./local/emulators/dynamodb').startDynamoDb({ prefer: 'dynamodb-local' }).then((db) => {
        console.log('ready ' + new URL(db.endpoint).port);
        setTimeout(() => { throw new Error('uncaught on purpose'); }, 500);
      });`;
    let tree: ProcessInfo[] = [];
    let port = 0;
    const child = execFile(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: resolve(__dirname, '../..'),
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (match && child.pid !== undefined) {
        port = Number(match[1]);
        tree = processTree(child.pid);
      }
    });
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
    expect(code).toBe(1);
    expect(port).toBeGreaterThan(0);
    expect(tree.some((p) => p.args.includes('DynamoDBLocal.jar'))).toBe(true);
    try {
      await untilGone(tree, STOP_TIMEOUT_MS);
      await untilPortFree(port, 'DynamoDB Local');
    } finally {
      killSurvivors(tree);
    }
  });
});
