import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ListQueuesCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqs } from '../../local/emulators/sqs';
import { startTestSqs, type TestSqs } from '../support/fauxqs-server';

describe('startSqs', () => {
  it('starts fauxqs on a loopback port quickly and stops idempotently', async () => {
    const began = performance.now();
    const sqs = await startSqs();
    const startMs = performance.now() - began;
    expect(sqs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sqs.name).toMatch(/fauxqs/);
    await sqs.client.send(new ListQueuesCommand({}));
    // ~0.1-0.3 s when warm; the first import in a cold, busy worker takes longer.
    expect(startMs).toBeLessThan(5_000);
    await Promise.all([sqs.stop(), sqs.stop()]);
    await sqs.stop();
    await expect(fetch(`${sqs.endpoint}/health`)).rejects.toThrow();
  });
});

describe('fauxqs through the SDK client', () => {
  let sqs: TestSqs;
  beforeAll(async () => {
    sqs = await startTestSqs();
  });
  afterAll(async () => {
    await sqs?.stop();
  });

  it('returns queue URLs on an unresolvable host that the client still reaches', async () => {
    const queue = await sqs.createQueue();
    // The URL names sqs.<region>.localhost, which need not resolve: the client's endpoint wins.
    expect(queue.url).toMatch(/^http:\/\/sqs\.us-east-1\.localhost:\d+\/000000000000\/queue-\d+$/);
    expect(queue.arn).toMatch(/^arn:aws:sqs:us-east-1:000000000000:queue-\d+$/);
  });

  it('sends, receives, changes visibility and deletes through the queue URL', async () => {
    const queue = await sqs.createQueue({ visibilityTimeoutSeconds: 30 });
    const sent = await sqs.client.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: 'hello',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'greeting' } },
      }),
    );

    const [first, ...rest] = await sqs.receiveNow(queue.url);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'hello',
      MD5OfBody: sent.MD5OfMessageBody,
      Attributes: { ApproximateReceiveCount: '1' },
      MessageAttributes: { kind: { DataType: 'String', StringValue: 'greeting' } },
    });
    expect(await sqs.receiveNow(queue.url)).toEqual([]);

    // Visibility 0 makes it receivable again at once, with a higher receive count.
    await sqs.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queue.url,
        ReceiptHandle: first?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const [again] = await sqs.receiveNow(queue.url);
    expect(again).toMatchObject({ MessageId: sent.MessageId, Attributes: { ApproximateReceiveCount: '2' } });

    await sqs.client.send(
      new DeleteMessageCommand({ QueueUrl: queue.url, ReceiptHandle: again?.ReceiptHandle }),
    );
    expect(await sqs.countAll(queue.url)).toBe(0);
  });

  it('moves a message to the DLQ once it was received more than maxReceiveCount times', async () => {
    const queue = await sqs.createQueue({ maxReceiveCount: 2 });
    const dlqUrl = queue.dlq?.url ?? '';
    const [id] = await sqs.sendAll(queue.url, ['poison']);

    for (const count of ['1', '2']) {
      const [message] = await sqs.receiveNow(queue.url, { visibilityTimeout: 0 });
      expect(message).toMatchObject({ MessageId: id, Attributes: { ApproximateReceiveCount: count } });
    }
    // The third receive finds it over the limit and moves it instead of delivering it.
    expect(await sqs.receiveNow(queue.url)).toEqual([]);
    const [dead] = await sqs.receiveNow(dlqUrl);
    expect(dead).toMatchObject({ MessageId: id, Body: 'poison' });
    expect(await sqs.countAll(queue.url)).toBe(0);
  });
});
