import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetterInbox, InboxLetter } from '../core/dead-letter-inbox';
import type { Job, JobErrorInfo } from '../core/job';
import { decodeJobMessage } from './job-message';
import { SqsDeadLetterQueue } from './sqs-dead-letter-queue';

export interface SqsDeadLettersOptions {
  /**
   * How long a received message stays hidden, seconds: longer than one redrive run, so a run
   * sees each message once; if the run dies, its messages come back after this.
   * @default 60
   */
  readonly hideSeconds?: number;
  /**
   * Long-poll wait of each receive, seconds: a short poll samples only some SQS servers and
   * can answer empty while messages remain; a long poll answers empty only when none is visible.
   * @default 1
   */
  readonly waitSeconds?: number;
}

/**
 * {@link DeadLetterInbox} (and so `DeadLetterSource`) on one SQS dead-letter queue. The job id
 * comes from the body (`{ id, name }`, the job message the processor copied); the `jobId`
 * attribute is a fallback. `errorCode` is the attribute every copy of ours carries and a message
 * SQS moved itself lacks. `send` writes the copy {@link SqsDeadLetterQueue} writes, here.
 */
export class SqsDeadLetters implements DeadLetterInbox {
  private readonly hideSeconds: number;
  private readonly waitSeconds: number;
  private readonly copies: SqsDeadLetterQueue;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    options: SqsDeadLettersOptions = {},
  ) {
    this.hideSeconds = options.hideSeconds ?? 60;
    this.waitSeconds = options.waitSeconds ?? 1;
    this.copies = new SqsDeadLetterQueue(client, queueUrl);
  }

  async waiting(): Promise<number> {
    const { Attributes = {} } = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    return Number(Attributes.ApproximateNumberOfMessages ?? 0);
  }

  async receive(max: number): Promise<InboxLetter[]> {
    const { Messages = [] } = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, Math.floor(max))),
        VisibilityTimeout: this.hideSeconds,
        WaitTimeSeconds: this.waitSeconds,
        MessageAttributeNames: ['jobId', 'errorCode'],
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    return Messages.flatMap((message) => {
      if (!message.ReceiptHandle) return [];
      const jobId = decodeJobMessage(message.Body ?? '')?.id ?? message.MessageAttributes?.jobId?.StringValue;
      const sent = Number(message.Attributes?.SentTimestamp);
      const errorCode = message.MessageAttributes?.errorCode?.StringValue;
      return [
        {
          handle: message.ReceiptHandle,
          messageId: message.MessageId ?? message.ReceiptHandle,
          ...(jobId ? { jobId: jobId.toLowerCase() } : {}),
          ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent) } : {}),
          ...(errorCode !== undefined ? { errorCode } : {}),
        },
      ];
    });
  }

  async release(handle: string): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: handle,
        VisibilityTimeout: 0,
      }),
    );
  }

  /** @throws when a call fails or SQS refuses an entry (the rest may have been released) */
  async releaseAll(handles: readonly string[]): Promise<void> {
    const refused: string[] = [];
    for (let start = 0; start < handles.length; start += 10) {
      const { Failed = [] } = await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: handles.slice(start, start + 10).map((handle, index) => ({
            Id: String(index),
            ReceiptHandle: handle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      refused.push(...Failed.map((entry) => `${entry.Code ?? 'error'}: ${entry.Message ?? ''}`));
    }
    if (refused.length > 0)
      throw new Error(`SQS refused to release ${refused.length} dead letters: ${refused.join('; ')}`);
  }

  async remove(handle: string): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: handle }));
  }

  send(job: Pick<Job, 'id' | 'name'>, error: JobErrorInfo): Promise<void> {
    return this.copies.send(job, error);
  }
}
