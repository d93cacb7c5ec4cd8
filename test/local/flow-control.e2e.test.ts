/**
 * Priorities and backpressure end to end, through HTTP against the local system.
 *
 * `sleep` gets a high-priority lane (2 workers of its own) and `maxBacklog: 6`; its normal
 * lane runs 2 workers, one job per invocation, so a few one-second jobs make a backlog that
 * takes seconds to drain. `flaky` and `fail` get high-priority lanes too, to follow a retry,
 * a dead letter and a redrive.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import type { JobView } from '../../lambdas/core/job';
import { DEFAULT_LOCAL_ADMIN_PRINCIPAL } from '../../local/api-gateway-event';
import { loadLocalConfig } from '../../local/local-config';
import { validateResponse } from '../support/local-client';
import { acceptedId, until, useLocalSystem } from '../support/local-e2e';

const MAX_BACKLOG = 6;
const BACKLOG_CACHE_MS = 100;

const errors: unknown[] = [];

/**
 * While closed, invocations of `sleep`'s normal lane wait before running, so its messages stay
 * in the queue (the high-priority lane runs on): the tests hold a backlog without timing.
 */
let gate: { promise: Promise<void>; open: () => void } | undefined;

function closeGate(): NonNullable<typeof gate> {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  gate = { promise, open };
  return gate;
}

const local = useLocalSystem(
  () => ({
    config: loadLocalConfig({
      jobTypes: {
        sleep: { maxConcurrency: 2, batchSize: 1, highPriorityMaxConcurrency: 2, maxBacklog: MAX_BACKLOG },
        flaky: { highPriorityMaxConcurrency: 2, backoffBaseSeconds: 1, backoffMaxSeconds: 1 },
        fail: { highPriorityMaxConcurrency: 2 },
      },
    }),
    sweepIntervalMs: 0,
    backlogCacheMs: BACKLOG_CACHE_MS,
    onError: (error) => errors.push(error),
    wrapProcessor: (name, processor) =>
      name === 'sleep'
        ? async (event, context) => {
            const lane = event.Records[0]?.eventSourceARN;
            if (lane === local.system.provisioned.queues.sleep?.queueArn) await gate?.promise;
            return processor(event, context);
          }
        : processor,
  }),
  { beforeStop: () => gate?.open() },
);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const accepted = (name: string, input: unknown, headers: Record<string, string> = {}) =>
  acceptedId(local.client, name, input, headers);

async function finished(id: string): Promise<JobView> {
  const { job } = await local.client.waitFor(id, { timeoutMs: 30_000 });
  expect(job.status).toBe('Completed');
  return job;
}

/** Up to 20 s, polling every 50 ms: a retry, a dead letter or a redrive here takes seconds. */
const settled = <T>(read: () => Promise<T>, done: (value: T) => boolean) =>
  until(read, done, { timeoutMs: 20_000, intervalMs: 50 });

/** Messages in a queue: visible, in flight and delayed. */
async function messagesIn(queueUrl: string | undefined): Promise<number> {
  const { Attributes = {} } = await local.system.sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed)
  );
}

/** Job records of one type in the table. */
async function recordsOf(name: string): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await local.system.dynamodb.documentClient.send(
      new ScanCommand({
        TableName: local.system.provisioned.tableName,
        FilterExpression: '#name = :name',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': name },
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

describe('priorities', () => {
  it('provisions the high-priority lanes only for the types that enable them', () => {
    expect(local.system.provisioned.queues.sleep?.highPriority).toBeDefined();
    expect(local.system.provisioned.queues.flaky?.highPriority).toBeDefined();
    expect(local.system.provisioned.queues.echo?.highPriority).toBeUndefined();
    expect(Object.keys(local.system.highPriorityEventSources).sort()).toEqual(['fail', 'flaky', 'sleep']);
  });

  it('runs high-priority jobs while a backlog of normal ones waits', async () => {
    const held = closeGate();
    const backlog: string[] = [];
    for (let i = 0; i < 4; i++) backlog.push(await accepted('sleep', { ms: 0 }));
    const viaQuery = await local.client.request('POST', '/jobs/sleep?priority=high', {
      body: JSON.stringify({ ms: 0 }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(viaQuery.status).toBe(202);
    const urgent = [await accepted('sleep', { ms: 0 }, { Priority: 'high' }), String(viaQuery.body.id)];
    const high = await Promise.all(urgent.map(finished));
    for (const job of high) expect(job.priority).toBe('high');
    // The normal backlog has not moved meanwhile.
    for (const id of backlog) expect((await local.client.get(id)).body.status).not.toBe('Completed');

    held.open();
    gate = undefined;
    const normal = await Promise.all(backlog.map(finished));
    for (const job of normal) expect(job.priority).toBe('normal');
    const lastHigh = high
      .map((job) => job.completedAt as string)
      .sort()
      .at(-1) as string;
    for (const job of normal) expect((job.completedAt as string) > lastHigh).toBe(true);
    expect(local.system.highPriorityEventSources.sleep?.stats.messagesReceived).toBe(2);
  }, 60_000);

  it('retries a high-priority job through the high-priority queue', async () => {
    const id = await accepted('flaky', { failTimes: 1 }, { Priority: 'HIGH' });
    const job = await finished(id);
    expect(job).toMatchObject({ priority: 'high', attempt: 2, result: { succeededOnAttempt: 2 } });
    expect(local.system.highPriorityEventSources.flaky?.stats.messagesReceived).toBe(2);
    expect(local.system.eventSources.flaky?.stats.messagesReceived).toBe(0);
  }, 30_000);

  it("dead-letters a high-priority job to the high-priority DLQ, and redrive drains both DLQs to each job's own queue", async () => {
    const lanes = local.system.provisioned.queues.fail;
    const high = await accepted('fail', { permanent: true }, { Priority: 'high' });
    const normal = await accepted('fail', { permanent: true });
    for (const id of [high, normal]) expect((await local.client.waitFor(id)).job.status).toBe('Failed');
    await settled(
      async () => [
        await messagesIn(lanes?.highPriority?.deadLetterQueueUrl),
        await messagesIn(lanes?.deadLetterQueueUrl),
      ],
      ([h, n]) => h === 1 && n === 1,
    );
    const received = local.system.highPriorityEventSources.fail?.stats.messagesReceived;

    const reply = await local.client.request('POST', '/admin/jobs/fail/redrive', {
      body: JSON.stringify({}),
      headers: { 'Content-Type': 'application/json', 'X-Local-Principal': DEFAULT_LOCAL_ADMIN_PRINCIPAL },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ moved: 2, complete: true });
    // Each fails again at once, back into its own lane's DLQ; the high one ran from the high queue.
    await settled(
      async () => [
        await messagesIn(lanes?.highPriority?.deadLetterQueueUrl),
        await messagesIn(lanes?.deadLetterQueueUrl),
      ],
      ([h, n]) => h === 1 && n === 1,
    );
    expect(local.system.highPriorityEventSources.fail?.stats.messagesReceived).toBe((received ?? 0) + 1);
    expect((await local.client.get(high)).body).toMatchObject({
      status: 'Failed',
      priority: 'high',
      attempt: 2,
    });
  }, 60_000);

  it('refuses a high-priority job for a type without a high-priority lane, naming the setting', async () => {
    const before = await recordsOf('echo');
    const { status, headers, body } = await local.client.submit('echo', {}, { Priority: 'high' });
    expect(status).toBe(400);
    expect(headers.get('content-type')).toBe('application/problem+json');
    expect(body).toMatchObject({ code: 'PRIORITY_NOT_ENABLED', setting: 'highPriorityMaxConcurrency' });
    expect(await recordsOf('echo')).toBe(before);
  });

  it('ignores an RFC 9218 Priority header', async () => {
    const id = await accepted('echo', { a: 1 }, { Priority: 'u=0, i' });
    expect((await finished(id)).priority).toBe('normal');
  });
});

describe('backpressure', () => {
  it('answers 429 with Retry-After past maxBacklog, storing nothing, and admits again once the backlog drains', async () => {
    const queueUrl = local.system.provisioned.queues.sleep?.queueUrl;
    // The last test's messages are deleted just after their jobs completed.
    for (let i = 0; i < 100 && (await messagesIn(queueUrl)) > 0; i++) await sleep(50);
    expect(await messagesIn(queueUrl)).toBe(0);
    const recordsBefore = await recordsOf('sleep');
    const held = closeGate();

    // With the workers held, every accepted job stays in the queue (2 of them received).
    const ids = [await accepted('sleep', { ms: 0 }, { 'Idempotency-Key': 'first' })];
    let refusal: Awaited<ReturnType<typeof local.client.submit>> | undefined;
    for (let i = 0; i < 40 && !refusal; i++) {
      await sleep(BACKLOG_CACHE_MS / 2);
      const reply = await local.client.submit('sleep', { ms: 0 });
      if (reply.status === 429) refusal = reply;
      else {
        expect(reply.status).toBe(202);
        ids.push(String(reply.body.id));
      }
    }
    if (!refusal) throw new Error('No submission was refused');
    // The client checked it against the OpenAPI document; checked again here so that a 429
    // missing from the document (or a Retry-After off its schema) names this test.
    const exchange = { method: 'POST', path: '/jobs/sleep', status: 429, headers: refusal.headers };
    expect(validateResponse({ ...exchange, body: JSON.stringify(refusal.body) })).toEqual([]);
    expect(refusal.headers.get('retry-after')).toBe('10');
    expect(refusal.headers.get('content-type')).toBe('application/problem+json');
    expect(refusal.body).toMatchObject({
      type: 'urn:async-endpoints:problem:backlog-full',
      status: 429,
      code: 'BACKLOG_FULL',
      maxBacklog: MAX_BACKLOG,
    });
    // At least maxBacklog waiting (visible), plus the 2 the held workers took.
    expect(ids.length).toBeGreaterThanOrEqual(MAX_BACKLOG + 2);

    // Refused: no record, no message, now or later.
    await sleep(BACKLOG_CACHE_MS * 2);
    expect((await local.client.submit('sleep', { ms: 0 }, { 'Idempotency-Key': 'refused' })).status).toBe(
      429,
    );
    expect(await recordsOf('sleep')).toBe(recordsBefore + ids.length);
    expect(await messagesIn(queueUrl)).toBe(ids.length);

    // A replay of a job already accepted still gets its answer.
    const replay = await local.client.submit('sleep', { ms: 0 }, { 'Idempotency-Key': 'first' });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(ids[0]);

    held.open();
    await Promise.all(ids.map(finished));
    gate = undefined;
    await sleep(BACKLOG_CACHE_MS * 2);
    const again = await local.client.submit('sleep', { ms: 0 }, { 'Idempotency-Key': 'refused' });
    expect(again.status).toBe(202);
    await finished(String(again.body.id));
    expect(errors).toEqual([]);
  }, 60_000);
});
