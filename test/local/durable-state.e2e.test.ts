/**
 * Durable local state end to end: systems started one after the other on the same data folder.
 *
 * DynamoDB Local: system A is left with jobs in every state (Completed small and large,
 * Failed, Canceled, Queued, Scheduled with a backoff, InProgress with a large input), then
 * crashes (its JVM is SIGKILLed; its event sources and handlers are left hanging, as a killed
 * process leaves them). B starts on the folder, recovers, runs what was unfinished exactly once,
 * puts the dead letter back, and honours idempotency keys and large payloads; B stops gracefully and C finds it all again.
 * dynalite: its LevelDB folder keeps a job across a restart, and `fresh` starts empty.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbJobStore } from '../../lambdas/adapters/dynamodb-job-store';
import type { Job } from '../../lambdas/core/job';
import type { JobTypeDefinition } from '../../lambdas/core/job-type';
import { WORKER_LOST } from '../../lambdas/core/use-cases/sweep-jobs';
import { jobTypes } from '../../lambdas/jobs/catalog';
import type { DynamoDbChoice, LocalDynamoDb } from '../../local/emulators/dynamodb';
import { loadLocalConfig } from '../../local/local-config';
import { type LocalSystem, startLocalSystem } from '../../local/local-system';
import { type LocalClient, localClient } from '../support/local-client';
import { jobOf, until } from '../support/local-e2e';

/** A JVM start takes 5-40 s on a loaded 2-core machine. */
const START_MS = 120_000;
const MAX_BODY_BYTES = 3_000_000;

/** Handler starts and completed returns per job id, over every system of a file. */
const starts = new Map<string, number>();
const completions = new Map<string, number>();
const bump = (counts: Map<string, number>, id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);

/**
 * The catalog's job types, counted; an input with `hold: true` waits at `gate` (system A's
 * in-flight job, whose worker dies with it), then fails, so a released dead worker writes nothing.
 */
function countedTypes(gate?: Promise<void>): JobTypeDefinition[] {
  return jobTypes.map((type) => ({
    ...type,
    handler: async (input, context) => {
      bump(starts, context.jobId);
      if (gate && (input as { hold?: unknown }).hold === true) {
        await gate;
        throw new Error('the worker of a crashed system');
      }
      const result = await type.handler(input, context);
      bump(completions, context.jobId);
      return result;
    },
  }));
}

async function start(
  dataDir: string,
  dynamodb: DynamoDbChoice,
  extra: { fresh?: boolean; gate?: Promise<void> } = {},
) {
  const system = await startLocalSystem({
    config: loadLocalConfig({ maxBodyBytes: MAX_BODY_BYTES }),
    port: 0,
    dynamodb,
    dataDir,
    sweepIntervalMs: 0,
    jobTypes: countedTypes(extra.gate),
    ...(extra.fresh ? { fresh: true } : {}),
  });
  return { system, client: localClient(system.url) };
}

/** About `bytes` of JSON gzip cannot shrink much: stored in S3, not in the item. */
const large = (bytes: number) => ({ blob: randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64') });

async function submitted(
  client: LocalClient,
  name: string,
  input: unknown,
  headers: Record<string, string> = {},
) {
  const { status, body } = await client.submit(name, input, headers);
  expect(status, JSON.stringify(body)).toBe(202);
  return String(body.id);
}

async function completed(client: LocalClient, id: string, timeoutMs = 60_000) {
  const { job } = await client.waitFor(id, { timeoutMs, intervalMs: 100 });
  return job;
}

describe('durable state on DynamoDB Local: a crash, a recovery, a graceful restart', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'async-endpoints-durable-'));
  let releaseA = () => {};
  const gateA = new Promise<void>((resolve) => {
    releaseA = resolve;
  });
  let a: LocalSystem | undefined;
  let b: { system: LocalSystem; client: LocalClient } | undefined;
  const largeInput = large(500 * 1024);
  const heldInput = { hold: true, ...large(450 * 1024) };
  const ids: Record<string, string> = {};
  let scheduledDue = '';

  beforeAll(async () => {
    const first = await start(dataDir, 'dynamodb-local', { gate: gateA });
    a = first.system;
    const { client } = first;
    ids.small = await submitted(client, 'echo', { small: true }, { 'Idempotency-Key': '"durable-small"' });
    ids.large = await submitted(client, 'echo', largeInput, { 'Idempotency-Key': '"durable-large"' });
    ids.failed = await submitted(client, 'fail', { permanent: true });
    for (const id of [ids.small, ids.large, ids.failed]) await completed(client, id);
    // With no event source on `sleep`, its jobs stay Queued: one is canceled, one left waiting.
    await a.eventSources.sleep?.stop();
    ids.canceled = await submitted(client, 'sleep', { ms: 1 });
    expect((await client.cancel(ids.canceled)).status).toBe(200);
    ids.queued = await submitted(client, 'sleep', { ms: 1 }, { 'Idempotency-Key': '"durable-queued"' });
    // A job in backoff: Scheduled after a failed attempt, due 8 s from now (written directly,
    // as a retry's full jitter would make its delay unpredictable).
    const template = (await new DynamoDbJobStore(a.dynamodb.documentClient, a.provisioned.tableName).get(
      ids.small,
    )) as Job;
    const now = new Date();
    scheduledDue = new Date(now.getTime() + 8_000).toISOString();
    ids.scheduled = randomUUID();
    const { result: _r, completedAt: _c, history: _h, idempotencyKey: _k, ...base } = template;
    await new DynamoDbJobStore(a.dynamodb.documentClient, a.provisioned.tableName).create({
      ...base,
      id: ids.scheduled,
      name: 'flaky',
      input: { failTimes: 1 },
      status: 'Scheduled',
      attempt: 1,
      retryCount: 1,
      retryDelayUntil: scheduledDue,
      startedAt: now.toISOString(),
      createdAt: now.toISOString(),
      lastUpdatedAt: now.toISOString(),
      error: { code: 'TRANSIENT', message: 'Planned transient failure 1 of 1' },
      history: [
        { attempt: 1, startedAt: now.toISOString(), endedAt: now.toISOString(), outcome: 'retry-scheduled' },
      ],
      version: 1,
    } as Job);
    ids.held = await submitted(client, 'echo', heldInput);
    await until(
      () => jobOf(client, ids.held as string),
      (job) => job.status === 'InProgress',
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    // The crash: the JVM dies at once; nothing of A is stopped.
    const { pid } = a.dynamodb as LocalDynamoDb;
    if (pid === undefined) throw new Error('System A runs no DynamoDB Local JVM');
    process.kill(pid, 'SIGKILL');
    await until(
      async () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      (dead) => dead,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    b = await start(dataDir, 'dynamodb-local');
  }, 4 * START_MS);

  afterAll(async () => {
    await b?.system.stop();
    releaseA();
    await a?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }, START_MS);

  const running = () => {
    if (!b) throw new Error('System B did not start');
    return b;
  };

  it('reports what it re-enqueued, then (in the background) what it found and the dead letters it put back', async () => {
    const { durable } = running().system;
    expect(durable).toMatchObject({
      wiped: false,
      empty: false,
      recovered: { requeued: 2, rescheduled: 1, failed: 0 },
    });
    // The large input and result, and the held job's large input.
    expect(durable?.restoredObjects).toBeGreaterThanOrEqual(3);
    // Read while the recovered jobs run: the finished ones are certain.
    const inventory = await durable?.inventory;
    expect(inventory?.found.total).toBe(7);
    expect(inventory?.found.byStatus).toMatchObject({ Failed: 1, Canceled: 1 });
    expect(inventory?.deadLetters).toBe(1);
  });

  it('runs the job whose worker died again, reading its large input, with the recovery in its history', async () => {
    const { client } = running();
    const job = await completed(client, ids.held as string);
    expect(job).toMatchObject({ status: 'Completed', attempt: 2, retryCount: 1 });
    expect(job.history.map((h) => [h.attempt, h.outcome, h.errorCode])).toEqual([
      [1, 'abandoned', WORKER_LOST],
      [2, 'completed', undefined],
    ]);
    const { body } = await client.get(ids.held as string);
    const download = await fetch(String(body.resultUrl));
    expect(await download.json()).toEqual(heldInput);
  });

  it('puts the Failed job’s dead letter back in its DLQ, in the format every writer uses', async () => {
    const { system } = running();
    const messages = await until(
      async () =>
        (
          await system.sqs.client.send(
            new ReceiveMessageCommand({
              QueueUrl: system.provisioned.queues.fail?.deadLetterQueueUrl,
              MessageAttributeNames: ['All'],
              WaitTimeSeconds: 1,
              MaxNumberOfMessages: 10,
            }),
          )
        ).Messages ?? [],
      (received) => received.length > 0,
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(messages.map((m) => [m.MessageAttributes?.jobId?.StringValue, JSON.parse(m.Body ?? '')])).toEqual([
      [ids.failed, { id: ids.failed, name: 'fail' }],
    ]);
    expect(messages[0]?.MessageAttributes?.errorCode?.StringValue).toBeTruthy();
  });

  it('runs the Queued job, and the Scheduled one once its backoff is over', async () => {
    const { client } = running();
    expect(await completed(client, ids.queued as string)).toMatchObject({ status: 'Completed', attempt: 1 });
    const scheduled = await completed(client, ids.scheduled as string);
    expect(scheduled).toMatchObject({ status: 'Completed', attempt: 2, result: { succeededOnAttempt: 2 } });
    expect(Date.parse(String(scheduled.startedAt))).toBeGreaterThanOrEqual(Date.parse(scheduledDue));
  });

  it('never runs a finished job again, and runs every recovered job exactly once', async () => {
    const { client } = running();
    for (const id of [ids.held, ids.queued, ids.scheduled]) await completed(client, id as string);
    expect((await jobOf(client, ids.failed as string)).status).toBe('Failed');
    expect((await jobOf(client, ids.canceled as string)).status).toBe('Canceled');
    for (const id of Object.values(ids)) expect(completions.get(id) ?? 0, id).toBeLessThanOrEqual(1);
    expect(starts.get(ids.small as string)).toBe(1);
    expect(starts.get(ids.large as string)).toBe(1);
    expect(starts.get(ids.failed as string)).toBe(1);
    expect(starts.get(ids.canceled as string)).toBeUndefined();
    // The held job: once in A (its worker died), once in B.
    expect(starts.get(ids.held as string)).toBe(2);
  });

  it('replays idempotency keys from before the crash, and serves large results from the restored bucket', async () => {
    const { client } = running();
    const replay = await client.submit('echo', { small: true }, { 'Idempotency-Key': '"durable-small"' });
    expect([replay.status, replay.body.id]).toEqual([200, ids.small]);
    const replayLarge = await client.submit('echo', largeInput, { 'Idempotency-Key': '"durable-large"' });
    expect([replayLarge.status, replayLarge.body.id]).toEqual([200, ids.large]);
    const { body } = await client.get(ids.large as string);
    const download = await fetch(String(body.resultUrl));
    expect(download.status).toBe(200);
    expect(await download.json()).toEqual(largeInput);
  });

  it(
    'after a graceful stop, the next start finds every job finished and re-enqueues nothing',
    async () => {
      const { system } = running();
      await system.stop();
      const c = await start(dataDir, 'dynamodb-local');
      try {
        expect(c.system.durable).toMatchObject({ recovered: { requeued: 0, rescheduled: 0, failed: 0 } });
        expect(await c.system.durable?.inventory).toMatchObject({
          found: { total: 7, byStatus: { Completed: 5, Failed: 1, Canceled: 1 } },
          deadLetters: 1,
        });
        const replay = await c.client.submit('sleep', { ms: 1 }, { 'Idempotency-Key': '"durable-queued"' });
        expect([replay.status, replay.body.id]).toEqual([200, ids.queued]);
        expect((await jobOf(c.client, ids.held as string)).attempt).toBe(2);
      } finally {
        await c.system.stop();
      }
    },
    START_MS,
  );
});

describe('durable state on dynalite, and --fresh', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'async-endpoints-durable-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    'keeps jobs and payloads across a restart, and a fresh start wipes them',
    async () => {
      const input = large(450 * 1024);
      const first = await start(dataDir, 'dynalite');
      let id: string;
      try {
        expect(first.system.durable).toMatchObject({ wiped: false, empty: true });
        id = await submitted(first.client, 'echo', input);
        expect(await completed(first.client, id)).toMatchObject({ status: 'Completed' });
      } finally {
        await first.system.stop();
      }

      const second = await start(dataDir, 'dynalite');
      try {
        expect(second.system.durable).toMatchObject({ empty: false });
        expect((await second.system.durable?.inventory)?.found).toMatchObject({
          total: 1,
          byStatus: { Completed: 1 },
        });
        const { body } = await second.client.get(id);
        expect(await (await fetch(String(body.resultUrl))).json()).toEqual(input);
      } finally {
        await second.system.stop();
      }

      const fresh = await start(dataDir, 'dynalite', { fresh: true });
      try {
        expect(fresh.system.durable).toMatchObject({ wiped: true, empty: true, restoredObjects: 0 });
        expect((await fresh.system.durable?.inventory)?.found.total).toBe(0);
        expect((await fresh.client.get(id)).status).toBe(404);
      } finally {
        await fresh.system.stop();
      }
    },
    3 * START_MS,
  );
});
