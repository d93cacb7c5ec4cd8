/**
 * SDK clients, created once per cold start and shared by every invocation.
 * Endpoints come from the standard `AWS_ENDPOINT_URL_*` variables when set (local mode).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

export const sqsClient = new SQSClient({});
