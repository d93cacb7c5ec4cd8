import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Job } from '../core/job';
import type { JobQueue } from '../core/ports';
import { encodeJobMessage } from './job-message';

/** {@link JobQueue} on one SQS queue. */
export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(job: Pick<Job, 'id' | 'name'>): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: encodeJobMessage(job) }),
    );
  }
}
