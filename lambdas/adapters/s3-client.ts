/**
 * The S3 client of the payload bucket, created once per cold start. Only the functions that
 * store or read large payloads (submit, processor, get-job) import it, so only they bundle it.
 */
import { S3Client } from '@aws-sdk/client-s3';

export const s3Client = new S3Client({});
