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
  /** S3 objects put back from the data folder at start (0 when objects live in memory only). */
  readonly restoredObjects: number;
  /**
   * Takes the endpoint down and brings it back on the same port with every queue and message
   * kept, as an SQS endpoint that is briefly unreachable: open connections are reset (in-flight
   * requests fail), new ones are refused for `downMs`.
   */
  restart(options: RestartOptions): Promise<EmulatorRestart>;
  /** Stops the server; idempotent. */
  stop(): Promise<void>;
}

export interface RestartOptions {
  /** How long the endpoint refuses connections, ms, at least (a process restart adds its start-up). */
  readonly downMs: number;
}

/** What one restart did. */
export interface EmulatorRestart {
  /** From the first refused connection until the endpoint answered again, ms. */
  readonly downMs: number;
  /** `listener`: the in-process server stopped listening; `process`: the emulator's process was killed and started again. */
  readonly kind: 'listener' | 'process';
}

export type DynamoDbKind = 'DynamoDB Local' | 'dynalite';

export interface DynamoDbEmulator {
  readonly endpoint: string;
  readonly kind: DynamoDbKind;
  /** Why this emulator was chosen (e.g. "Java 17 found" / "no Java 17+ on the PATH"). */
  readonly reason: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /**
   * Takes the endpoint down and back with every table and item kept (see {@link SqsEmulator.restart});
   * undefined when a restart would lose the data (DynamoDB Local in memory, the default).
   */
  readonly restart?: (options: RestartOptions) => Promise<EmulatorRestart>;
  /** Stops the emulator and waits until its process (if any) has exited; idempotent. */
  stop(): Promise<void>;
}

/** Fake credentials and Region for every local client: the emulators accept anything. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;
