/**
 * What the local mode's emulators hand to the rest of the local system. Both speak the real AWS
 * wire protocols; the clients are the same SDK v3 clients the Lambdas use, pointed at loopback.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface SqsEmulator {
  /** e.g. `http://127.0.0.1:40123` */
  readonly endpoint: string;
  /** An SQS client bound to the endpoint (queue URLs never retarget it). */
  readonly client: SQSClient;
  /** An S3 client for the same fauxqs endpoint (path-style), for the payload bucket. */
  readonly s3Client: S3Client;
  readonly name: string;
  /** Stops the server; idempotent. */
  stop(): Promise<void>;
}

export type DynamoDbKind = 'DynamoDB Local' | 'dynalite';

export interface DynamoDbEmulator {
  readonly endpoint: string;
  readonly kind: DynamoDbKind;
  /** Why this emulator was chosen (e.g. "Java 17 found" / "no Java 17+ on the PATH"). */
  readonly reason: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /** Stops the emulator and waits until its process (if any) has exited; idempotent. */
  stop(): Promise<void>;
}

/** Fake credentials and Region for every local client: the emulators accept anything. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;
