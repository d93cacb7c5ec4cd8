/**
 * SqsBacklogGauge against fauxqs through the real SDK client: which messages count as backlog.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsBacklogGauge } from '../../../lambdas/adapters/sqs-backlog-gauge';
import { startTestSqs, type TestSqs } from '../../support/fauxqs-server';

let sqs: TestSqs;
beforeAll(async () => {
  sqs = await startTestSqs();
});
afterAll(async () => {
  await sqs?.stop();
});

describe('SqsBacklogGauge (fauxqs)', () => {
  it('reads 0 for an empty queue', async () => {
    const queue = await sqs.createQueue();
    expect(await new SqsBacklogGauge(sqs.client, queue.url).read()).toBe(0);
  });

  it('counts visible and delayed messages, not those in flight', async () => {
    const queue = await sqs.createQueue({ visibilityTimeoutSeconds: 60 });
    await sqs.sendAll(queue.url, ['a', 'b', 'c', 'd']);
    await sqs.client.send(
      new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'later', DelaySeconds: 60 }),
    );
    const gauge = new SqsBacklogGauge(sqs.client, queue.url);
    expect(await gauge.read()).toBe(5);
    // Received (a worker has them): no longer waiting.
    const received = await sqs.receiveNow(queue.url, { visibilityTimeout: 60 });
    expect(received.length).toBeGreaterThan(0);
    expect(await gauge.read()).toBe(5 - received.length);
  });

  it('rejects for a queue that does not exist', async () => {
    const queue = await sqs.createQueue();
    await expect(new SqsBacklogGauge(sqs.client, `${queue.url}-missing`).read()).rejects.toThrow();
  });
});
