/**
 * What the console's queues panel shows and the public API does not: per job type and lane,
 * the messages waiting, delayed and in flight, and the dead letters, read with
 * `GetQueueAttributes` (approximate, as SQS itself reports them).
 */
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Provisioned, ProvisionedLane } from '../provision';

/** One lane of one job type. */
export interface LaneDepth {
  readonly jobName: string;
  readonly lane: 'normal' | 'high';
  /** `ApproximateNumberOfMessages`: waiting to be received. */
  readonly waiting: number;
  /** `ApproximateNumberOfMessagesDelayed`: sent with a delay not yet over. */
  readonly delayed: number;
  /** `ApproximateNumberOfMessagesNotVisible`: received and not yet deleted (running, or hidden for a retry backoff). */
  readonly inFlight: number;
  /** Messages in the lane's DLQ, visible or not. */
  readonly deadLetters: number;
}

const QUEUE_ATTRIBUTES = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesDelayed',
  'ApproximateNumberOfMessagesNotVisible',
] as const;

/**
 * Every lane's depths, job types in `provisioned` order, the normal lane before the high one.
 * @throws the SDK's error when the emulator does not answer
 */
export async function readQueueDepths(client: SQSClient, provisioned: Provisioned): Promise<LaneDepth[]> {
  const lanes: { jobName: string; lane: LaneDepth['lane']; urls: ProvisionedLane }[] = [];
  for (const [jobName, queue] of Object.entries(provisioned.queues)) {
    lanes.push({ jobName, lane: 'normal', urls: queue });
    if (queue.highPriority) lanes.push({ jobName, lane: 'high', urls: queue.highPriority });
  }
  return Promise.all(
    lanes.map(async ({ jobName, lane, urls }) => {
      const [queue, dlq] = await Promise.all([
        attributes(client, urls.queueUrl),
        attributes(client, urls.deadLetterQueueUrl),
      ]);
      return {
        jobName,
        lane,
        waiting: queue.ApproximateNumberOfMessages,
        delayed: queue.ApproximateNumberOfMessagesDelayed,
        inFlight: queue.ApproximateNumberOfMessagesNotVisible,
        deadLetters: dlq.ApproximateNumberOfMessages + dlq.ApproximateNumberOfMessagesNotVisible,
      };
    }),
  );
}

async function attributes(
  client: SQSClient,
  queueUrl: string,
): Promise<Record<(typeof QUEUE_ATTRIBUTES)[number], number>> {
  const { Attributes = {} } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...QUEUE_ATTRIBUTES] }),
  );
  const count = (name: (typeof QUEUE_ATTRIBUTES)[number]) => Number(Attributes[name] ?? 0);
  return {
    ApproximateNumberOfMessages: count('ApproximateNumberOfMessages'),
    ApproximateNumberOfMessagesDelayed: count('ApproximateNumberOfMessagesDelayed'),
    ApproximateNumberOfMessagesNotVisible: count('ApproximateNumberOfMessagesNotVisible'),
  };
}
