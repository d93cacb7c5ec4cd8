import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeJobMessage } from '../../../lambdas/adapters/job-message';
import { MAX_VISIBILITY_SECONDS, sqsDelivery } from '../../../lambdas/adapters/sqs-delivery';
import { SqsJobQueue } from '../../../lambdas/adapters/sqs-job-queue';
import { sqsRecord } from '../../support/sqs-events';

const sqs = mockClient(SQSClient);
const client = new SQSClient({ region: 'us-east-1' });
const options = { client, queueUrl: 'https://q/main', deadLetterQueueUrl: 'https://q/dlq' };

beforeEach(() => {
  sqs.reset();
  sqs.onAnyCommand().resolves({});
});

describe('sqsDelivery', () => {
  it('changes the visibility of the received message, rounded up and clamped to 12 h', async () => {
    const record = sqsRecord('{}');
    const delivery = sqsDelivery(record, 'job-1', options);
    await delivery.retryAfter(1.2);
    await delivery.retryAfter(999_999);
    await delivery.retryAfter(-3);
    const calls = sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { QueueUrl: 'https://q/main', ReceiptHandle: record.receiptHandle, VisibilityTimeout: 2 },
      {
        QueueUrl: 'https://q/main',
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: MAX_VISIBILITY_SECONDS,
      },
      { QueueUrl: 'https://q/main', ReceiptHandle: record.receiptHandle, VisibilityTimeout: 0 },
    ]);
  });

  it('copies the message to the DLQ with the job id and error as attributes', async () => {
    const record = sqsRecord('{"id":"job-1","name":"echo"}');
    await sqsDelivery(record, 'job-1', options).deadLetter({ code: 'PLANNED_FAILURE', message: 'boom' });
    const [call] = sqs.commandCalls(SendMessageCommand);
    expect(call?.args[0].input).toEqual({
      QueueUrl: 'https://q/dlq',
      MessageBody: record.body,
      MessageAttributes: {
        jobId: { DataType: 'String', StringValue: 'job-1' },
        errorCode: { DataType: 'String', StringValue: 'PLANNED_FAILURE' },
        errorMessage: { DataType: 'String', StringValue: 'boom' },
      },
    });
  });

  it('propagates a failed DLQ send so the record is redelivered', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('throttled'));
    await expect(
      sqsDelivery(sqsRecord('{}'), 'j', options).deadLetter({ code: 'X', message: '' }),
    ).rejects.toThrow('throttled');
  });
});

describe('SqsJobQueue', () => {
  it('sends a message carrying only the job id and name', async () => {
    await new SqsJobQueue(client, 'https://q/main').enqueue({ id: 'job-1', name: 'echo' });
    const [call] = sqs.commandCalls(SendMessageCommand);
    expect(call?.args[0].input.QueueUrl).toBe('https://q/main');
    expect(decodeJobMessage(call?.args[0].input.MessageBody ?? '')).toEqual({ id: 'job-1', name: 'echo' });
  });

  it('rejects when SQS refuses the message', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('AccessDenied'));
    await expect(
      new SqsJobQueue(client, 'https://q/main').enqueue({ id: 'j', name: 'echo' }),
    ).rejects.toThrow();
  });
});

describe('decodeJobMessage', () => {
  it.each(['', 'null', '[]', '{"id":1,"name":"x"}', '{"name":"x"}', '{"id":"","name":"x"}'])(
    'rejects %j',
    (body) => {
      expect(decodeJobMessage(body)).toBeUndefined();
    },
  );
});
