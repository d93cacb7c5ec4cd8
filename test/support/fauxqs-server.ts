import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { startSqs } from '../../local/emulators/sqs';
import type { SqsEmulator } from '../../local/emulators/types';

export interface TestQueue {
  readonly url: string;
  readonly arn: string;
}

export interface QueueOptions {
  /** @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /** Adds a DLQ with this RedrivePolicy maxReceiveCount. */
  readonly maxReceiveCount?: number;
}

export interface TestSqs extends SqsEmulator {
  /** A fresh queue (and its DLQ if asked), each with a unique name. */
  createQueue(options?: QueueOptions): Promise<TestQueue & { readonly dlq?: TestQueue }>;
  /** Sends `bodies` in batches of 10; returns the message ids in order. */
  sendAll(queueUrl: string, bodies: readonly string[]): Promise<string[]>;
  /** One short receive of up to 10 messages, with every attribute. */
  receiveNow(
    queueUrl: string,
    options?: { visibilityTimeout?: number; waitSeconds?: number },
  ): Promise<Message[]>;
  /** Visible + in flight + delayed messages, per GetQueueAttributes. */
  countAll(queueUrl: string): Promise<number>;
}

/** fauxqs through {@link startSqs}, plus helpers to set up queues for a test. */
export async function startTestSqs(): Promise<TestSqs> {
  const sqs = await startSqs();
  const { client } = sqs;
  let queues = 0;

  async function create(name: string, attributes: Record<string, string>): Promise<TestQueue> {
    const { QueueUrl } = await client.send(
      new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
    );
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    if (!QueueUrl || !Attributes?.QueueArn) throw new Error(`fauxqs did not create ${name}`);
    return { url: QueueUrl, arn: Attributes.QueueArn };
  }

  return {
    ...sqs,
    async createQueue(options = {}) {
      queues += 1;
      const name = `queue-${queues}`;
      const attributes: Record<string, string> = {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
      };
      if (options.maxReceiveCount === undefined) return create(name, attributes);
      const dlq = await create(`${name}-dlq`, {});
      attributes.RedrivePolicy = JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: options.maxReceiveCount,
      });
      return { ...(await create(name, attributes)), dlq };
    },
    async sendAll(queueUrl, bodies) {
      const ids: string[] = [];
      for (let start = 0; start < bodies.length; start += 10) {
        const chunk = bodies.slice(start, start + 10);
        const { Successful = [], Failed = [] } = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((body, index) => ({ Id: String(index), MessageBody: body })),
          }),
        );
        if (Failed.length > 0) throw new Error(`SendMessageBatch failed: ${JSON.stringify(Failed)}`);
        const byId = new Map(Successful.map((entry) => [entry.Id, entry.MessageId ?? '']));
        ids.push(...chunk.map((_body, index) => byId.get(String(index)) ?? ''));
      }
      return ids;
    },
    async receiveNow(queueUrl, options = {}) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: options.waitSeconds ?? 0,
          VisibilityTimeout: options.visibilityTimeout,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      return Messages;
    },
    async countAll(queueUrl) {
      const { Attributes = {} } = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      return Object.values(Attributes).reduce((sum, value) => sum + Number(value), 0);
    },
  };
}
