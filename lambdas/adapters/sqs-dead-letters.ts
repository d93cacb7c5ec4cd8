import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterSource } from '../core/ports';
import { decodeJobMessage } from './job-message';

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
 * {@link DeadLetterSource} on one SQS dead-letter queue. The job id comes from the body
 * (`{ id, name }`, the job message the processor copied); the `jobId` attribute is a fallback.
 */
export class SqsDeadLetters implements DeadLetterSource {
  private readonly hideSeconds: number;
  private readonly waitSeconds: number;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    options: SqsDeadLettersOptions = {},
  ) {
    this.hideSeconds = options.hideSeconds ?? 60;
    this.waitSeconds = options.waitSeconds ?? 1;
  }

  async receive(max: number): Promise<DeadLetter[]> {
    const { Messages = [] } = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, Math.floor(max))),
        VisibilityTimeout: this.hideSeconds,
        WaitTimeSeconds: this.waitSeconds,
        MessageAttributeNames: ['jobId'],
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    return Messages.flatMap((message) => {
      if (!message.ReceiptHandle) return [];
      const jobId = decodeJobMessage(message.Body ?? '')?.id ?? message.MessageAttributes?.jobId?.StringValue;
      const sent = Number(message.Attributes?.SentTimestamp);
      return [
        {
          handle: message.ReceiptHandle,
          ...(jobId ? { jobId: jobId.toLowerCase() } : {}),
          ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent) } : {}),
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

  async remove(handle: string): Promise<void> {
    await this.client.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: handle }));
  }
}
