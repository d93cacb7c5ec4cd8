/** {@link SqsDeadLetters} against fauxqs, with the DLQ copies the processor sends. */
import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeJobMessage } from '../../../lambdas/adapters/job-message';
import { SqsDeadLetters } from '../../../lambdas/adapters/sqs-dead-letters';
import { sqsDelivery } from '../../../lambdas/adapters/sqs-delivery';
import { startTestSqs, type TestSqs } from '../../support/fauxqs-server';
import { sqsRecord } from '../../support/sqs-events';

let sqs: TestSqs;

beforeAll(async () => {
  sqs = await startTestSqs();
});

afterAll(async () => {
  await sqs?.stop();
});

const ID = '00000000-0000-4000-8000-00000000000A';

describe('SqsDeadLetters', () => {
  it('receives the processor copy with its job id, hidden until released or removed', async () => {
    const { url } = await sqs.createQueue();
    const record = sqsRecord(encodeJobMessage({ id: ID, name: 'echo' }));
    await sqsDelivery(record, ID, {
      client: sqs.client,
      queueUrl: 'unused',
      deadLetterQueueUrl: url,
    }).deadLetter({ code: 'BOOM', message: 'it broke' });
    await sqs.sendAll(url, ['not json']);

    const dlq = new SqsDeadLetters(sqs.client, url, { hideSeconds: 30, waitSeconds: 0 });
    const letters = await dlq.receive(10);
    expect(letters.map((l) => l.jobId).sort()).toEqual([ID.toLowerCase(), undefined].sort());
    for (const letter of letters) expect(Math.abs(Date.now() - Number(letter.sentAt))).toBeLessThan(60_000);
    // Hidden while the run holds them.
    expect(await dlq.receive(10)).toEqual([]);

    const unreadable = letters.find((l) => l.jobId === undefined);
    const copy = letters.find((l) => l.jobId !== undefined);
    await dlq.release(String(unreadable?.handle));
    await dlq.remove(String(copy?.handle));
    const again = await dlq.receive(10);
    expect(again.map((l) => l.jobId)).toEqual([undefined]);
    await dlq.remove(String(again[0]?.handle));
    expect(await sqs.countAll(url)).toBe(0);
  });

  it('falls back to the jobId attribute when the body is not a job message', async () => {
    const { url } = await sqs.createQueue();
    await sqsDelivery(sqsRecord('{"legacy":true}'), ID, {
      client: sqs.client,
      queueUrl: 'unused',
      deadLetterQueueUrl: url,
    }).deadLetter({ code: 'BOOM', message: 'x' });
    const [letter] = await new SqsDeadLetters(sqs.client, url, { waitSeconds: 0 }).receive(1);
    expect(letter?.jobId).toBe(ID.toLowerCase());
  });

  it('answers an empty array from an empty queue', async () => {
    const { url } = await sqs.createQueue();
    expect(await new SqsDeadLetters(sqs.client, url, { waitSeconds: 0 }).receive(5)).toEqual([]);
  });

  it('propagates SQS errors', async () => {
    const broken = new SQSClient({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    await expect(new SqsDeadLetters(broken, 'http://127.0.0.1:1/q').receive(1)).rejects.toThrow();
  });

  it('releaseAll reports the entries SQS refused, after trying every batch', async () => {
    const client = new SQSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const mock = mockClient(client);
    mock
      .on(ChangeMessageVisibilityBatchCommand)
      .resolvesOnce({
        Successful: [],
        Failed: [{ Id: '3', Code: 'ReceiptHandleIsInvalid', SenderFault: true }],
      })
      .resolves({ Successful: [] });
    const handles = Array.from({ length: 12 }, (_, n) => `h${n}`);
    await expect(new SqsDeadLetters(client, 'http://127.0.0.1:1/q').releaseAll(handles)).rejects.toThrow(
      /refused to release 1 dead letters: ReceiptHandleIsInvalid/,
    );
    expect(
      mock.commandCalls(ChangeMessageVisibilityBatchCommand).map((c) => c.args[0].input.Entries?.length),
    ).toEqual([10, 2]);
    mock.restore();
  });
});
