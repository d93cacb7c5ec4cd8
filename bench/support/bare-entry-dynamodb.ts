/**
 * Cold-start baseline for the functions that use DynamoDB only (get, list, cancel): the same
 * module-scope client as lambdas/adapters/dynamodb-client.ts and one call, nothing else.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const tableName = process.env.JOBS_TABLE_NAME;

/** Reads one job record, as get-job does. */
export const handler = async (event: { id: string }) =>
  documentClient.send(new GetCommand({ TableName: tableName, Key: { id: event.id }, ConsistentRead: true }));
