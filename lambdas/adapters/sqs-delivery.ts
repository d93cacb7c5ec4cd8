import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { JobErrorInfo } from '../core/job';
import type { Delivery } from '../core/ports';

/** SQS allows a message to stay hidden for at most 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43_200;

export interface SqsDeliveryOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

/**
 * {@link Delivery} for one record of an SQS event. Dead-lettering sends a copy to the DLQ;
 * the caller then reports the record as processed so the event source deletes the original.
 */
export function sqsDelivery(record: SQSRecord, jobId: string, options: SqsDeliveryOptions): Delivery {
  return {
    jobId,
    async retryAfter(seconds) {
      await options.client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: options.queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(seconds))),
        }),
      );
    },
    async deadLetter(error: JobErrorInfo) {
      await options.client.send(
        new SendMessageCommand({
          QueueUrl: options.deadLetterQueueUrl,
          MessageBody: record.body,
          MessageAttributes: {
            jobId: { DataType: 'String', StringValue: jobId },
            errorCode: { DataType: 'String', StringValue: error.code },
            errorMessage: { DataType: 'String', StringValue: error.message.slice(0, 1024) || '-' },
          },
        }),
      );
    },
  };
}
