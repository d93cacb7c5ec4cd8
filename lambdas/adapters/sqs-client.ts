/**
 * The SQS client, created once per cold start and shared by every invocation. Kept apart from
 * the DynamoDB client so functions that never touch SQS do not bundle it.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '../tracer';

/** Traced (a subsegment per call) when tracing is on. */
export const sqsClient = tracer.captureAWSv3Client(new SQSClient({}));
