/**
 * The shapes Lambda's SQS event source hands to a function and reads back from it: records
 * built from received messages, the invocation context, and the partial-batch response.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Context, SQSMessageAttribute, SQSRecord } from 'aws-lambda';
import { LOCAL_AWS } from './emulators/types';

/** Where records come from: the queue's ARN and the Region and account it names. */
export interface QueueIdentity {
  readonly arn: string;
  readonly region: string;
  readonly account: string;
}

/** Reads Region and account from `arn:aws:sqs:<region>:<account>:<name>`, defaulting to the local ones. */
export function queueIdentity(arn: string): QueueIdentity {
  const [, , , region, account] = arn.split(':');
  return { arn, region: region || LOCAL_AWS.region, account: account || '000000000000' };
}

/** A received message as the record Lambda puts in `SQSEvent.Records`. */
export function toSqsRecord(message: Message, queue: QueueIdentity): SQSRecord {
  const system = message.Attributes ?? {};
  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ...system,
      // Requested with MessageSystemAttributeNames ['All']; the fallbacks only keep the type honest.
      ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
      SentTimestamp: system.SentTimestamp ?? '0',
      SenderId: system.SenderId ?? queue.account,
      ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? '0',
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
        name,
        toLambdaAttribute(value),
      ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: queue.region,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/** Lambda's camel-cased attribute, binary values base64-encoded, empty (reserved) list fields. */
function toLambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const attribute: SQSMessageAttribute = {
    stringListValues: [],
    binaryListValues: [],
    dataType: value.DataType ?? 'String',
  };
  if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
  if (value.BinaryValue !== undefined)
    attribute.binaryValue = Buffer.from(value.BinaryValue).toString('base64');
  return attribute;
}

export interface ContextOptions {
  readonly functionName: string;
  readonly timeoutMs: number;
  readonly memoryLimitInMB: number;
  readonly queue: QueueIdentity;
}

/** A fresh invocation context whose remaining time counts down from the function timeout. */
export function lambdaContext(options: ContextOptions): Context {
  const deadline = Date.now() + options.timeoutMs;
  const { region, account } = options.queue;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    // Deprecated callback-era members, still on the Node.js context; async handlers never call them.
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** What to do with a batch after the function returned. */
export type BatchVerdict =
  | { readonly kind: 'partial'; readonly failedIds: ReadonlySet<string> }
  | { readonly kind: 'whole-batch-failed'; readonly reason: string };

/**
 * Reads a handler's response as Lambda does with ReportBatchItemFailures: no response, no list
 * or an empty list means every record succeeded; an entry whose `itemIdentifier` is missing,
 * empty or not a message id of this batch fails the whole batch.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export function readBatchResponse(response: unknown, records: readonly SQSRecord[]): BatchVerdict {
  if (response === undefined || response === null) return { kind: 'partial', failedIds: new Set() };
  if (typeof response !== 'object' || Array.isArray(response)) {
    return { kind: 'whole-batch-failed', reason: 'the response is not an object' };
  }
  const failures: unknown = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'partial', failedIds: new Set() };
  if (!Array.isArray(failures)) {
    return { kind: 'whole-batch-failed', reason: 'batchItemFailures is not a list' };
  }
  const known = new Set(records.map((record) => record.messageId));
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const id: unknown = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '' || !known.has(id)) {
      return {
        kind: 'whole-batch-failed',
        reason: `batchItemFailures names ${JSON.stringify(id) ?? 'nothing'}, not a message of this batch`,
      };
    }
    failedIds.add(id);
  }
  return { kind: 'partial', failedIds };
}
