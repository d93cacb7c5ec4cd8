/**
 * The one thing the job view shows that the public API never returns: a job's input. The
 * console reads it from the job table as the processor does (opening a compressed or
 * S3-offloaded input), with clients of its own that the call recorder never sees, and only for
 * the job's owner, as `GET /jobs/{id}` answers only its owner.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbJobStore } from '../../lambdas/adapters/dynamodb-job-store';
import { JobPayloads } from '../../lambdas/adapters/job-payloads';
import { S3PayloadStore } from '../../lambdas/adapters/s3-payload-store';
import { isExpired } from '../../lambdas/core/job';
import type { TableShards } from '../../lambdas/table-schema';
import { localS3Client } from '../emulators/s3';
import { LOCAL_AWS } from '../emulators/types';

/** Where the job table and payload bucket are. */
export interface JobInputsOptions {
  readonly dynamodbEndpoint: string;
  /** The S3 emulator's endpoint (fauxqs serves S3 beside SQS). */
  readonly s3Endpoint: string;
  readonly tableName: string;
  readonly shards: TableShards;
  readonly bucketName: string;
  readonly compressAboveBytes: number;
}

/** Reads job inputs for the console. */
export interface JobInputs {
  /**
   * The input of job `id` as submitted, or undefined when there is no such job, it expired, or
   * `owner` is not its owner (the three look alike, as in the API).
   * @throws the SDK's error when an emulator does not answer
   */
  read(id: string, owner: string): Promise<{ readonly input: unknown } | undefined>;
  /** Releases the clients. */
  destroy(): void;
}

/** Builds the reader with its own DynamoDB and S3 clients. */
export function jobInputs(options: JobInputsOptions): JobInputs {
  const dynamodb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: options.dynamodbEndpoint });
  const s3 = localS3Client(options.s3Endpoint);
  const store = new DynamoDbJobStore(
    DynamoDBDocumentClient.from(dynamodb),
    options.tableName,
    { shards: options.shards },
    new JobPayloads({
      policy: { compressAboveBytes: options.compressAboveBytes },
      objects: new S3PayloadStore(s3, options.bucketName),
    }),
  );
  return {
    async read(id, owner) {
      const job = await store.get(id);
      if (!job || job.owner !== owner || isExpired(job, new Date())) return undefined;
      return { input: await store.loadInput(job) };
    },
    destroy() {
      dynamodb.destroy();
      s3.destroy();
    },
  };
}
