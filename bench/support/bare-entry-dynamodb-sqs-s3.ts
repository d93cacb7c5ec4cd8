/**
 * Cold-start baseline for submit and the processor: the clients and calls of
 * bare-entry-dynamodb-sqs.ts plus the S3 client and presigner they bundle for large payloads.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { bareSubmit } from './bare-handlers';

const submit = bareSubmit({
  documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  }),
  sqsClient: new SQSClient({}),
  tableName: process.env.JOBS_TABLE_NAME ?? '',
  queueUrl: process.env.JOB_QUEUE_URL ?? '',
});
const s3 = new S3Client({});

/** Stores and enqueues one job, as submit does; `presign` keeps the S3 code in the bundle. */
export const handler = async (event: { name: string; input: unknown; presign?: boolean }) =>
  event.presign
    ? getSignedUrl(s3, new PutObjectCommand({ Bucket: process.env.PAYLOAD_BUCKET, Key: event.name }))
    : submit(event.name, event.input);
