/**
 * The SQS adapters of the JobQueue and Delivery ports against fauxqs (SQS's wire protocol)
 * through the real SDK client: what the processor relies on from a real queue.
 */
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJobMessage } from '../../../lambdas/adapters/job-message';
import { sqsDelivery } from '../../../lambdas/adapters/sqs-delivery';
import { SqsJobQueue } from '../../../lambdas/adapters/sqs-job-queue';
import { queueIdentity, toSqsRecord } from '../../../local/event-source-records';
import { startTestSqs, type TestQueue, type TestSqs } from '../../support/fauxqs-server';

let sqs: TestSqs;
beforeAll(async () => {
  sqs = await startTestSqs();
});
afterAll(async () => {
  await sqs?.stop();
});

/** A queue with a DLQ, and the Delivery options the processor would get for it. */
async function jobQueue() {
  const queue = await sqs.createQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
  const dlq = queue.dlq as TestQueue;
  return { queue, dlq, options: { client: sqs.client, queueUrl: queue.url, deadLetterQueueUrl: dlq.url } };
}

/** Receives exactly one message and turns it into the record the event source would deliver. */
async function receiveRecord(queue: TestQueue): Promise<SQSRecord> {
  const messages: Message[] = await sqs.receiveNow(queue.url, { waitSeconds: 1 });
  expect(messages).toHaveLength(1);
  return toSqsRecord(messages[0] as Message, queueIdentity(queue.arn));
}

describe.concurrent('JobQueue contract: SqsJobQueue (fauxqs)', () => {
  it('enqueues one message per job that decodes to its id and name', async () => {
    const { queue } = await jobQueue();
    const jobs = new SqsJobQueue(sqs.client, queue.url);
    await jobs.enqueue({ id: 'job-1', name: 'echo' });
    await jobs.enqueue({ id: 'job-2', name: 'echo' });

    const messages = await sqs.receiveNow(queue.url);
    const decoded = messages.map((message) => decodeJobMessage(message.Body ?? ''));
    expect(decoded).toEqual(
      expect.arrayContaining([
        { id: 'job-1', name: 'echo' },
        { id: 'job-2', name: 'echo' },
      ]),
    );
    expect(decoded).toHaveLength(2);
  });

  it('rejects when the queue does not exist', async () => {
    const missing = `${(await jobQueue()).queue.url}-missing`;
    await expect(new SqsJobQueue(sqs.client, missing).enqueue({ id: 'j', name: 'echo' })).rejects.toThrow();
  });
});

describe.concurrent('Delivery contract: sqsDelivery (fauxqs)', () => {
  it('retryAfter(n) hides the message for about n seconds, then it comes back', async () => {
    const { queue, options } = await jobQueue();
    await new SqsJobQueue(sqs.client, queue.url).enqueue({ id: 'job-r', name: 'echo' });
    const record = await receiveRecord(queue);

    await sqsDelivery(record, 'job-r', options).retryAfter(2);
    const hiddenSince = Date.now();
    expect(await sqs.receiveNow(queue.url)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await sqs.receiveNow(queue.url)).toEqual([]);

    const [back] = await sqs.receiveNow(queue.url, { waitSeconds: 5 });
    const hiddenFor = Date.now() - hiddenSince;
    expect(back).toMatchObject({ MessageId: record.messageId, Attributes: { ApproximateReceiveCount: '2' } });
    expect(hiddenFor).toBeGreaterThanOrEqual(1_500);
    expect(hiddenFor).toBeLessThan(4_500);
  });

  it('retryAfter(0) makes the message receivable at once', async () => {
    const { queue, options } = await jobQueue();
    await new SqsJobQueue(sqs.client, queue.url).enqueue({ id: 'job-0', name: 'echo' });
    const record = await receiveRecord(queue);

    await sqsDelivery(record, 'job-0', options).retryAfter(0);
    const [back] = await sqs.receiveNow(queue.url);
    expect(back?.MessageId).toBe(record.messageId);
  });

  it('deadLetter copies the original body to the DLQ with the job id and error as attributes', async () => {
    const { queue, dlq, options } = await jobQueue();
    await new SqsJobQueue(sqs.client, queue.url).enqueue({ id: 'job-d', name: 'echo' });
    const record = await receiveRecord(queue);

    await sqsDelivery(record, 'job-d', options).deadLetter({ code: 'PLANNED_FAILURE', message: 'boom' });
    const [dead] = await sqs.receiveNow(dlq.url);
    expect(dead?.Body).toBe(record.body);
    expect(decodeJobMessage(dead?.Body ?? '')).toEqual({ id: 'job-d', name: 'echo' });
    expect(dead?.MessageAttributes).toEqual({
      jobId: { DataType: 'String', StringValue: 'job-d' },
      errorCode: { DataType: 'String', StringValue: 'PLANNED_FAILURE' },
      errorMessage: { DataType: 'String', StringValue: 'boom' },
    });
    // The original stays in flight: the processor acks the record and the event source deletes it.
    expect(await sqs.countAll(queue.url)).toBe(1);
  });

  it('deadLetter keeps attribute values valid for SQS: a placeholder for an empty message, 1 KiB at most', async () => {
    const { queue, dlq, options } = await jobQueue();
    await sqs.sendAll(queue.url, ['not a job message']);
    const record = await receiveRecord(queue);
    const delivery = sqsDelivery(record, '-', options);

    await delivery.deadLetter({ code: 'MALFORMED_MESSAGE', message: '' });
    await delivery.deadLetter({ code: 'LONG', message: 'x'.repeat(5_000) });
    const dead = await sqs.receiveNow(dlq.url);
    const byCode = new Map(dead.map((m) => [m.MessageAttributes?.errorCode?.StringValue, m]));
    expect(byCode.get('MALFORMED_MESSAGE')?.MessageAttributes?.errorMessage?.StringValue).toBe('-');
    expect(byCode.get('LONG')?.MessageAttributes?.errorMessage?.StringValue).toHaveLength(1_024);
    expect(dead.every((m) => m.Body === 'not a job message')).toBe(true);
  });
});
