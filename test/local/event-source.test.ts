/**
 * The SQS event-source emulator against real fauxqs through the real SDK client: batching,
 * concurrency, partial-batch responses, redelivery, the DLQ and shutdown.
 */
import { createHash } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EventSource,
  EventSourceError,
  type EventSourceOptions,
  startEventSource,
} from '../../local/event-source';
import { readBatchResponse } from '../../local/event-source-records';
import { startTestSqs, type TestQueue, type TestSqs } from '../support/fauxqs-server';
import { sqsRecord } from '../support/sqs-events';

type Handler = EventSourceOptions['handler'];

let sqs: TestSqs;
const running: EventSource[] = [];

beforeAll(async () => {
  sqs = await startTestSqs();
});
afterAll(async () => {
  // Each test has its own queue, so sources are stopped together at the end rather than after
  // each test (stopping waits out the pollers' current 1 s long poll).
  await Promise.all(running.map((source) => source.stop()));
  await sqs?.stop();
});

/** Starts an event source on `queue` that records every invocation and error. */
function start(queue: TestQueue, handler: Handler, overrides: Partial<EventSourceOptions> = {}) {
  const invocations: { event: SQSEvent; context: Context; remainingAtStart: number }[] = [];
  const errors: unknown[] = [];
  const source = startEventSource({
    client: sqs.client,
    queueUrl: queue.url,
    queueArn: queue.arn,
    batchSize: 10,
    maxBatchingWindowMs: 0,
    maxConcurrency: 1,
    functionTimeoutMs: 5_000,
    functionName: 'test-processor',
    onError: (error) => errors.push(error),
    ...overrides,
    handler: async (event, context) => {
      invocations.push({ event, context, remainingAtStart: context.getRemainingTimeInMillis() });
      return handler(event, context);
    },
  });
  running.push(source);
  const records = () => invocations.flatMap((invocation) => invocation.event.Records);
  return { source, invocations, errors, records };
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bodies = (count: number, prefix = 'm') => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const succeed: Handler = async () => ({ batchItemFailures: [] });
/** Nothing of `batch` was deleted: each of its messages came back with a higher receive count. */
function expectRedelivered(batch: readonly SQSRecord[], all: readonly SQSRecord[]): void {
  expect(batch.length).toBeGreaterThan(0);
  for (const record of batch) {
    const counts = all
      .filter((r) => r.messageId === record.messageId)
      .map((r) => r.attributes.ApproximateReceiveCount);
    expect(counts).toEqual(['1', '2']);
  }
}
const phases = (errors: unknown[]) => errors.map((error) => (error as EventSourceError).phase);

// Concurrent: most of the time is spent waiting for visibility timeouts, not on the CPU.
describe.concurrent('startEventSource', () => {
  it('delivers batches of at most batchSize with the records and context Lambda builds', async () => {
    const queue = await sqs.createQueue();
    const sentId = (
      await sqs.client.send(
        new SendMessageCommand({
          QueueUrl: queue.url,
          MessageBody: 'with-attributes',
          MessageAttributes: {
            kind: { DataType: 'String', StringValue: 'k' },
            blob: { DataType: 'Binary', BinaryValue: Buffer.from('bin') },
          },
        }),
      )
    ).MessageId;
    const ids = [sentId, ...(await sqs.sendAll(queue.url, bodies(9)))];
    const { invocations, records, source } = start(queue, succeed, { batchSize: 3, maxConcurrency: 2 });

    await waitFor(() => source.stats.messagesDeleted === 10);
    expect(invocations.every(({ event }) => event.Records.length >= 1 && event.Records.length <= 3)).toBe(
      true,
    );
    expect(records().map((record) => record.messageId)).toHaveLength(10);
    expect(new Set(records().map((record) => record.messageId))).toEqual(new Set(ids));

    const [plain, withAttributes] = [
      records().find((record) => record.body === 'm-0'),
      records().find((record) => record.messageId === sentId),
    ];
    expect(plain).toEqual({
      messageId: ids[1] ?? '',
      receiptHandle: expect.any(String),
      body: 'm-0',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {},
      md5OfBody: md5('m-0'),
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: 'us-east-1',
    } satisfies SQSRecord);
    expect(withAttributes?.messageAttributes).toEqual({
      kind: { stringValue: 'k', stringListValues: [], binaryListValues: [], dataType: 'String' },
      blob: {
        binaryValue: Buffer.from('bin').toString('base64'),
        stringListValues: [],
        binaryListValues: [],
        dataType: 'Binary',
      },
    });
    expect(withAttributes?.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);

    const contexts = invocations.map(({ context }) => context);
    expect(new Set(contexts.map((context) => context.awsRequestId)).size).toBe(contexts.length);
    expect(contexts[0]).toMatchObject({
      functionName: 'test-processor',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:test-processor',
    });
    for (const { remainingAtStart } of invocations) {
      expect(remainingAtStart).toBeLessThanOrEqual(5_000);
      expect(remainingAtStart).toBeGreaterThan(3_000);
    }
    expect(await sqs.countAll(queue.url)).toBe(0);
  });

  it('keeps gathering past one receive while the batching window is open', async () => {
    const queue = await sqs.createQueue();
    await sqs.sendAll(queue.url, bodies(10, 'early'));
    const { invocations, source } = start(queue, succeed, { batchSize: 25, maxBatchingWindowMs: 1_000 });
    await waitFor(() => source.stats.messagesReceived >= 10);
    await sqs.sendAll(queue.url, bodies(15, 'late'));

    await waitFor(() => source.stats.messagesDeleted === 25);
    // One poller, one window: the first receive's 10 and the 15 sent inside the window, together.
    expect(invocations.map(({ event }) => event.Records.length)).toEqual([25]);
  });

  it('never runs more than maxConcurrency invocations at once and processes every message', async () => {
    const queue = await sqs.createQueue();
    const ids = await sqs.sendAll(queue.url, bodies(12));
    let now = 0;
    let most = 0;
    const { records, source } = start(
      queue,
      async () => {
        now += 1;
        most = Math.max(most, now);
        await sleep(100);
        now -= 1;
      },
      { batchSize: 1, maxConcurrency: 2 },
    );

    await waitFor(() => source.stats.messagesDeleted === 12);
    expect(most).toBe(2);
    expect(source.stats.maxConcurrentInvocations).toBe(2);
    expect(new Set(records().map((record) => record.messageId))).toEqual(new Set(ids));
    expect(await sqs.countAll(queue.url)).toBe(0);
  });

  it('deletes the successes and redelivers batchItemFailures after the visibility timeout', async () => {
    const queue = await sqs.createQueue({ visibilityTimeoutSeconds: 1 });
    const [a, b, c] = await sqs.sendAll(queue.url, ['a', 'b', 'c']);
    const seenAt = new Map<string, number[]>();
    const { records, source } = start(queue, async (event) => {
      for (const record of event.Records)
        seenAt.set(record.body, [...(seenAt.get(record.body) ?? []), Date.now()]);
      const first = event.Records.filter(
        (record) => record.body === 'b' && record.attributes.ApproximateReceiveCount === '1',
      );
      return { batchItemFailures: first.map((record) => ({ itemIdentifier: record.messageId })) };
    });

    await waitFor(() => (seenAt.get('b')?.length ?? 0) === 2 && source.stats.messagesDeleted === 3);
    expect(seenAt.get('a')).toHaveLength(1);
    expect(seenAt.get('c')).toHaveLength(1);
    const [firstB = 0, secondB = 0] = seenAt.get('b') ?? [];
    expect(secondB - firstB).toBeGreaterThanOrEqual(900);
    expect(
      records()
        .filter((record) => record.messageId === b)
        .map((r) => r.attributes.ApproximateReceiveCount),
    ).toEqual(['1', '2']);
    expect(records().filter((record) => record.messageId === a || record.messageId === c)).toHaveLength(2);
    expect(source.stats).toMatchObject({ messagesDeleted: 3, messagesFailed: 1, failedInvocations: 0 });
    expect(await sqs.countAll(queue.url)).toBe(0);
  });

  it('redelivers the whole batch when the handler throws', async () => {
    const queue = await sqs.createQueue({ visibilityTimeoutSeconds: 1 });
    const ids = await sqs.sendAll(queue.url, ['x', 'y']);
    const { invocations, records, errors, source } = start(queue, async () => {
      if (invocations.length === 1) throw new Error('boom');
    });

    await waitFor(() => source.stats.messagesDeleted === 2);
    expectRedelivered(invocations[0]?.event.Records ?? [], records());
    expect(new Set(records().map((record) => record.messageId))).toEqual(new Set(ids));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EventSourceError);
    expect(errors[0]).toMatchObject({ phase: 'invoke', cause: new Error('boom') });
    expect(source.stats.failedInvocations).toBe(1);
    expect(await sqs.countAll(queue.url)).toBe(0);
  });

  it('fails the whole batch when batchItemFailures names an unknown message', async () => {
    const queue = await sqs.createQueue({ visibilityTimeoutSeconds: 1 });
    await sqs.sendAll(queue.url, ['p', 'q']);
    const { invocations, records, errors, source } = start(
      queue,
      async (): Promise<SQSBatchResponse> => ({
        batchItemFailures: invocations.length === 1 ? [{ itemIdentifier: 'not-in-this-batch' }] : [],
      }),
    );

    await waitFor(() => source.stats.messagesDeleted === 2);
    expectRedelivered(invocations[0]?.event.Records ?? [], records());
    expect(phases(errors)).toEqual(['response']);
    expect(source.stats.failedInvocations).toBe(1);
  });

  it('fails a batch whose handler outlives the function timeout, counting down the remaining time', async () => {
    const queue = await sqs.createQueue({ visibilityTimeoutSeconds: 1 });
    const [id] = await sqs.sendAll(queue.url, ['slow']);
    const remaining: number[] = [];
    let calls = 0;
    const { errors, source } = start(
      queue,
      async (_event, context) => {
        calls += 1;
        remaining.push(context.getRemainingTimeInMillis());
        if (calls === 1) {
          await sleep(200);
          remaining.push(context.getRemainingTimeInMillis());
          await sleep(400);
        }
      },
      { functionTimeoutMs: 400 },
    );

    await waitFor(() => source.stats.messagesDeleted === 1);
    expect(phases(errors)).toEqual(['timeout']);
    expect(calls).toBe(2);
    const [atStart = 0, later = 0] = remaining;
    expect(atStart).toBeLessThanOrEqual(400);
    expect(later).toBeLessThan(atStart - 100);
    expect(source.stats).toMatchObject({ invocations: 2, failedInvocations: 1, messagesDeleted: 1 });
    expect(id).toBeDefined();
  });

  it('moves a message that fails every time to the DLQ through the RedrivePolicy', async () => {
    const queue = await sqs.createQueue({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
    const [id] = await sqs.sendAll(queue.url, ['poison']);
    const { invocations } = start(queue, async (event) => ({
      batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })),
    }));

    const dlqUrl = queue.dlq?.url ?? '';
    let dead: Awaited<ReturnType<TestSqs['receiveNow']>> = [];
    await waitFor(async () => {
      dead = await sqs.receiveNow(dlqUrl);
      return dead.length > 0;
    });
    expect(dead.map((message) => [message.MessageId, message.Body])).toEqual([[id, 'poison']]);
    expect(invocations).toHaveLength(2);
    expect(await sqs.countAll(queue.url)).toBe(0);
  });

  it('on stop, lets the running invocation finish, then invokes nothing more', async () => {
    const queue = await sqs.createQueue();
    await sqs.sendAll(queue.url, ['in-flight']);
    const order: string[] = [];
    const { invocations, source } = start(queue, async () => {
      order.push('handler started');
      await sleep(300);
      order.push('handler finished');
    });

    await waitFor(() => invocations.length === 1);
    await source.stop().then(() => order.push('stopped'));
    expect(order).toEqual(['handler started', 'handler finished', 'stopped']);
    expect(source.stats).toMatchObject({ messagesDeleted: 1, inFlightInvocations: 0 });

    await sqs.sendAll(queue.url, ['after-stop']);
    await sleep(500);
    expect(invocations).toHaveLength(1);
    expect(await sqs.countAll(queue.url)).toBe(1);
    await source.stop();
  });

  it('on stop, hands back messages gathered for a batch that was never invoked', async () => {
    const queue = await sqs.createQueue();
    await sqs.sendAll(queue.url, bodies(3));
    const { invocations, source } = start(queue, succeed, { batchSize: 100, maxBatchingWindowMs: 60_000 });

    await waitFor(() => source.stats.messagesReceived === 3);
    await source.stop();
    expect(invocations).toHaveLength(0);
    expect(source.stats.messagesReturned).toBe(3);
    expect(await sqs.receiveNow(queue.url)).toHaveLength(3);
  });

  it('reports a failing ReceiveMessage and keeps polling, backing off', async () => {
    const queue = await sqs.createQueue();
    const { errors, invocations } = start({ ...queue, url: `${queue.url}-missing` }, succeed);

    await waitFor(() => errors.length >= 2);
    expect(errors[0]).toMatchObject({
      name: 'EventSourceError',
      phase: 'receive',
      functionName: 'test-processor',
    });
    expect((errors[0] as Error).message).toMatch(/^test-processor: ReceiveMessage failed/);
    expect((errors[0] as Error).cause).toMatchObject({ name: 'QueueDoesNotExist' });
    expect(invocations).toHaveLength(0);
  });

  it('rejects out-of-range options, naming each', () => {
    expect(() =>
      startEventSource({
        client: sqs.client,
        queueUrl: 'unused',
        queueArn: 'arn:aws:sqs:us-east-1:000000000000:unused',
        batchSize: 10_001,
        maxBatchingWindowMs: -1,
        maxConcurrency: 0,
        functionTimeoutMs: 0,
        functionName: 'bad',
        handler: succeed,
      }),
    ).toThrow(/batchSize.*maxBatchingWindowMs.*maxConcurrency.*functionTimeoutMs/);
  });
});

describe('readBatchResponse', () => {
  const records = [sqsRecord('one'), sqsRecord('two')];
  const [one, two] = records.map((record) => record.messageId);

  it.each([
    ['no response', undefined],
    ['null', null],
    ['an object without the list', {}],
    ['a null list', { batchItemFailures: null }],
    ['an empty list', { batchItemFailures: [] }],
  ])('treats %s as every record succeeding', (_name, response) => {
    expect(readBatchResponse(response, records)).toEqual({ kind: 'partial', failedIds: new Set() });
  });

  it('names the failed records', () => {
    const response = { batchItemFailures: [{ itemIdentifier: two }, { itemIdentifier: two }] };
    expect(readBatchResponse(response, records)).toEqual({ kind: 'partial', failedIds: new Set([two]) });
    expect(one).toBeDefined();
  });

  it.each([
    ['an unknown id', { batchItemFailures: [{ itemIdentifier: 'nope' }] }],
    ['an empty id', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null id', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misspelt key', { batchItemFailures: [{ itemIdentifer: one }] }],
    ['a null entry', { batchItemFailures: [null] }],
    ['a list that is not a list', { batchItemFailures: 'all' }],
    ['a response that is not an object', 'ok'],
  ])('fails the whole batch for %s', (_name, response) => {
    expect(readBatchResponse(response, records)).toMatchObject({ kind: 'whole-batch-failed' });
  });
});
