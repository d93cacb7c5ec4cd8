/**
 * Cold-start baseline for the functions that use DynamoDB and SQS (submit, processor, retry,
 * redrive, sweeper): the same module-scope clients as lambdas/adapters/*-client.ts and the
 * bare submit's two calls, nothing else.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { bareSubmit } from './bare-handlers';

const submit = bareSubmit({
  documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  }),
  sqsClient: new SQSClient({}),
  tableName: process.env.JOBS_TABLE_NAME ?? '',
  queueUrl: process.env.JOB_QUEUE_URL ?? '',
});

/** Stores and enqueues one job, as submit does. */
export const handler = async (event: { name: string; input: unknown }) => submit(event.name, event.input);
