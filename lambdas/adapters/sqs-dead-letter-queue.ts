import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Job, JobErrorInfo } from '../core/job';
import type { DeadLetterQueue } from '../core/ports';
import { encodeJobMessage } from './job-message';

/**
 * {@link DeadLetterQueue} on one SQS queue. The copy is the one the processor's
 * `Delivery.deadLetter` sends (see `sqs-delivery.ts`): the job message `{ id, name }` with the
 * attributes `jobId`, `errorCode` and `errorMessage`, so DLQ consumers see one format.
 */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(job: Pick<Job, 'id' | 'name'>, error: JobErrorInfo): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: encodeJobMessage(job),
        MessageAttributes: {
          jobId: { DataType: 'String', StringValue: job.id },
          errorCode: { DataType: 'String', StringValue: error.code },
          errorMessage: { DataType: 'String', StringValue: error.message.slice(0, 1024) || '-' },
        },
      }),
    );
  }
}
