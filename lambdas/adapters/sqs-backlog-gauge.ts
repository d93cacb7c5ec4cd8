import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { BacklogGauge } from '../core/ports';

/**
 * {@link BacklogGauge} on one SQS queue: `ApproximateNumberOfMessages` (visible, waiting for a
 * worker) plus `ApproximateNumberOfMessagesDelayed` (sent with a delay, waiting all the same).
 *
 * `ApproximateNumberOfMessagesNotVisible` is left out: it counts the messages being processed
 * right now, at most `maxConcurrency x batchSize` and already being served, and counting them
 * would refuse work while nothing waits at all when `maxBacklog` is small. Messages hidden for
 * a retry backoff are in it too: jobs already accepted, whose number the retry policy bounds
 * and whose failures the DLQ and age alarms report.
 */
export class SqsBacklogGauge implements BacklogGauge {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async read(): Promise<number> {
    const { Attributes = {} } = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const visible = Number(Attributes.ApproximateNumberOfMessages);
    const delayed = Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0);
    if (!Number.isFinite(visible) || !Number.isFinite(delayed)) {
      throw new Error(`GetQueueAttributes returned no message counts for ${this.queueUrl}`);
    }
    return visible + delayed;
  }
}
