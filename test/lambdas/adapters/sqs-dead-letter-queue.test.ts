import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeJobMessage } from '../../../lambdas/adapters/job-message';
import { SqsDeadLetterQueue } from '../../../lambdas/adapters/sqs-dead-letter-queue';
import { sqsDelivery } from '../../../lambdas/adapters/sqs-delivery';
import { sqsRecord } from '../../support/sqs-events';

const sqs = mockClient(SQSClient);
const client = new SQSClient({ region: 'us-east-1' });

beforeEach(() => {
  sqs.reset();
  sqs.onAnyCommand().resolves({});
});

describe('SqsDeadLetterQueue', () => {
  it("sends exactly the copy the processor's dead-lettering sends", async () => {
    const job = { id: 'job-1', name: 'echo' };
    const error = { code: 'WORKER_LOST', message: 'x'.repeat(2000) };
    await new SqsDeadLetterQueue(client, 'https://q/dlq').send(job, error);
    await sqsDelivery(sqsRecord(encodeJobMessage(job)), job.id, {
      client,
      queueUrl: 'https://q/main',
      deadLetterQueueUrl: 'https://q/dlq',
    }).deadLetter(error);
    const [sweeper, processor] = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
    expect(sweeper).toEqual(processor);
    expect(sweeper).toMatchObject({
      QueueUrl: 'https://q/dlq',
      MessageBody: '{"id":"job-1","name":"echo"}',
      MessageAttributes: { errorCode: { DataType: 'String', StringValue: 'WORKER_LOST' } },
    });
    expect(sweeper?.MessageAttributes?.errorMessage?.StringValue).toHaveLength(1024);
  });
});
