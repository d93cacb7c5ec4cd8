/**
 * The DynamoDB document client, created once per cold start and shared by every invocation.
 * Its endpoint follows the standard `AWS_ENDPOINT_URL_DYNAMODB` variable when set (local mode).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
