/**
 * Cold-start baseline for get-job: the DynamoDB read of bare-entry-dynamodb.ts plus the S3 client
 * and presigner it bundles for large results (presigning is local: no S3 call).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const s3 = new S3Client({});
const tableName = process.env.JOBS_TABLE_NAME;
const bucket = process.env.PAYLOAD_BUCKET;

/** Reads one job record and presigns a result URL, as get-job does for a large result. */
export const handler = async (event: { id: string }) => ({
  item: await documentClient.send(
    new GetCommand({ TableName: tableName, Key: { id: event.id }, ConsistentRead: true }),
  ),
  url: await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: `jobs/${event.id}` }), {
    expiresIn: 600,
  }),
});
