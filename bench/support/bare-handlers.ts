/**
 * Bare handlers: the SDK calls the project's handlers make for one job, and nothing else (no
 * validation, no state machine, no logging, no metrics). They are the baselines of the handler
 * overhead and local throughput benchmarks, and (bundled) of the cold-start benchmark.
 *
 *   bare submit:    PutItem (attribute_not_exists) + SendMessage        = submit's calls
 *   bare process:   UpdateItem (claim, ALL_NEW) + PutItem (conditional) = a successful delivery
 *   plain process:  PutItem                                             = the plain sample's consumer
 */
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/** The clients and names the bare handlers call with. */
export interface BareDeps {
  readonly documentClient: DynamoDBDocumentClient;
  readonly sqsClient: SQSClient;
  readonly tableName: string;
  readonly queueUrl: string;
}

/** A record of the same shape and size as a freshly submitted job's. */
function queuedItem(id: string, name: string, input: unknown, now: string): Record<string, unknown> {
  return {
    id,
    name,
    status: 'Queued',
    owner: 'local-user',
    input,
    retryCount: 0,
    maxRetries: 3,
    attempt: 0,
    createdAt: now,
    lastUpdatedAt: now,
    requestHash: 'b'.repeat(64),
    expiresAt: Math.floor(Date.parse(now) / 1000) + 30 * 86_400,
    version: 1,
    activeShard: '0',
  };
}

/** Stores a Queued record and sends its message: submit's two calls. Returns the job id. */
export function bareSubmit(deps: BareDeps) {
  return async (name: string, input: unknown): Promise<string> => {
    const id = randomUUID();
    await deps.documentClient.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: queuedItem(id, name, input, new Date().toISOString()),
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    await deps.sqsClient.send(
      new SendMessageCommand({ QueueUrl: deps.queueUrl, MessageBody: JSON.stringify({ id, name }) }),
    );
    return id;
  };
}

/** Claims the job of one record and writes it Completed with its input as the result. */
export function bareProcessRecord(deps: Pick<BareDeps, 'documentClient' | 'tableName'>) {
  return async (record: SQSRecord): Promise<void> => {
    const { id } = JSON.parse(record.body) as { id: string };
    const now = new Date().toISOString();
    const { Attributes = {} } = await deps.documentClient.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: { id },
        UpdateExpression:
          'SET #status = :inProgress, leaseOwner = :owner, leaseExpiresAt = :leaseEnd, startedAt = :now, ' +
          'lastUpdatedAt = :now, attempt = attempt + :one, version = version + :one, #activeShard = :shard',
        ConditionExpression:
          'attribute_exists(id) AND ((#status IN (:queued, :scheduled) AND (attribute_not_exists(retryDelayUntil) ' +
          'OR retryDelayUntil <= :now)) OR (#status = :inProgress AND (attribute_not_exists(leaseExpiresAt) ' +
          'OR leaseExpiresAt < :now)))',
        ExpressionAttributeNames: { '#status': 'status', '#activeShard': 'activeShard' },
        ExpressionAttributeValues: {
          ':shard': '0',
          ':inProgress': 'InProgress',
          ':queued': 'Queued',
          ':scheduled': 'Scheduled',
          ':owner': randomUUID(),
          ':leaseEnd': new Date(Date.now() + 60_000).toISOString(),
          ':now': now,
          ':one': 1,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const { activeShard: _, leaseOwner: __, leaseExpiresAt: ___, ...rest } = Attributes;
    const version = Number(Attributes.version);
    await deps.documentClient.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: {
          ...rest,
          status: 'Completed',
          result: Attributes.input ?? null,
          lastUpdatedAt: now,
          finishedAt: now,
          version: version + 1,
          history: [{ attempt: Attributes.attempt, outcome: 'completed', startedAt: now, endedAt: now }],
        },
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': version },
      }),
    );
  };
}

/** The plain sample's consumer: one PutItem per message, no status record, no claim. */
export function plainProcessRecord(deps: Pick<BareDeps, 'documentClient' | 'tableName'>) {
  return async (record: SQSRecord): Promise<void> => {
    const { id, input } = JSON.parse(record.body) as { id: string; input?: unknown };
    await deps.documentClient.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: { id, result: input ?? null, processedAt: new Date().toISOString() },
      }),
    );
  };
}

/** Wraps a per-record function as an SQS handler: records in parallel, failures reported. */
export function batchHandler(processRecord: (record: SQSRecord) => Promise<void>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const results = await Promise.allSettled(event.Records.map((record) => processRecord(record)));
    return {
      batchItemFailures: event.Records.flatMap((record, index) =>
        results[index]?.status === 'rejected' ? [{ itemIdentifier: record.messageId }] : [],
      ),
    };
  };
}
