/**
 * The DynamoDB document client, created once per cold start and shared by every invocation.
 * Traced with X-Ray when tracing is on. Its endpoint follows the standard
 * `AWS_ENDPOINT_URL_DYNAMODB` variable when set (local mode).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from '../tracer';

// Traced (a subsegment per call) when tracing is on; the document client shares its middleware.
export const documentClient = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});
