/**
 * The S3 client of the payload bucket, created once per cold start. Only the functions that
 * store or read large payloads (submit, processor, get-job) import it, so only they bundle it.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { tracer } from '../tracer';

/**
 * Traced (a subsegment per call) when tracing is on, as HTTP calls are not patched. A presigned
 * URL is the same with or without it: X-Ray's trace header is never signed.
 */
export const s3Client = tracer.captureAWSv3Client(new S3Client({}));
