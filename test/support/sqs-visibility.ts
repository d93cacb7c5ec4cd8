import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Makes received messages visible again at once (visibility 0), 10 per call: to hand a batch
 * back unrun, as a throttled invocation's messages come back, or to put back what a test read.
 */
export async function makeVisible(
  client: SQSClient,
  queueUrl: string | undefined,
  handles: readonly (string | undefined)[],
) {
  for (let start = 0; start < handles.length; start += 10) {
    await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: handles.slice(start, start + 10).map((handle, index) => ({
          Id: String(index),
          ReceiptHandle: handle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}
