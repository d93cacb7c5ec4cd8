/**
 * Creates the job table and every job type's queue and DLQ (and high-priority queue and DLQ
 * when the type enables priorities) on the emulators, from the same
 * resolved config the stack provisions from: names (`lambdas/queue-names.ts`), visibility
 * timeout, redrive `maxReceiveCount`, retention and message size match what `cdk deploy` creates.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  hasHighPriorityLane,
  type NamedQueue,
  type QueueLane,
  queueName,
  queueNameSuffix,
  queueUrl,
} from '../lambdas/queue-names';
import {
  ACTIVE_INDEX,
  ACTIVE_PROJECTION,
  BY_OWNER_INDEX,
  BY_OWNER_PROJECTION,
  JOB_TABLE_PARTITION_KEY,
} from '../lambdas/table-schema';
import type { StageConfig } from '../lib/config';
import { JOB_QUEUE_RETENTION_SECONDS, type JobTypeConfig } from '../lib/job-type-checks';

/** One lane of a job type: a queue and its DLQ. */
export interface ProvisionedLane {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
}

export interface ProvisionedQueue extends ProvisionedLane {
  /** `<stackName>_<name>_high` and its `_dlq`, when the job type enables priorities. */
  readonly highPriority?: ProvisionedLane;
}

export interface Provisioned {
  readonly tableName: string;
  /** The payload bucket (claim check); fauxqs keeps no lifecycle, so nothing expires locally. */
  readonly payloadBucket: string;
  readonly queues: Readonly<Record<string, ProvisionedQueue>>;
  /**
   * What every queue URL starts with on the emulator, `<endpoint>/<account>/<stackName>_`: the
   * functions derive the URLs from it as on AWS (`laneUrlMap`). Empty when there is no queue.
   */
  readonly queueUrlPrefix: string;
}

/** A queue the emulator created, with the URL it returned. */
type CreatedQueue = Omit<NamedQueue, 'name'> & { readonly url: string };

const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;
const MAX_MESSAGE_BYTES = 1_048_576;

export async function provision(
  config: StageConfig,
  clients: { dynamodb: DynamoDBClient; sqs: SQSClient; s3: S3Client },
): Promise<Provisioned> {
  // Bucket names are lower case; CreateBucket is idempotent on fauxqs.
  const payloadBucket = `${config.stackName.toLowerCase()}-payloads`;
  await clients.s3.send(new CreateBucketCommand({ Bucket: payloadBucket }));
  const tableName = `${config.stackName}-jobs`;
  try {
    await createJobTable(clients.dynamodb, tableName);
  } catch (error) {
    // A persistent emulator may already hold it.
    if (!(error instanceof ResourceInUseException)) throw error;
  }

  const queues: Record<string, ProvisionedQueue> = {};
  const created: CreatedQueue[] = [];
  for (const job of config.jobTypes) {
    const lane = async (queueLane: QueueLane) => {
      const made = await createLane(clients.sqs, config.stackName, job, queueLane);
      created.push(
        { url: made.queueUrl, jobName: job.name, lane: queueLane, kind: 'queue' },
        { url: made.deadLetterQueueUrl, jobName: job.name, lane: queueLane, kind: 'dlq' },
      );
      return made;
    };
    const normal = await lane('normal');
    const high = hasHighPriorityLane(job.settings) ? await lane('high') : undefined;
    queues[job.name] = { ...normal, ...(high ? { highPriority: high } : {}) };
  }
  return { tableName, payloadBucket, queues, queueUrlPrefix: urlPrefixOf(created) };
}

/**
 * The emulator's URL prefix, from the URLs it returned: each URL must be the prefix plus its
 * name's suffix, as on AWS, or the functions would derive URLs of queues that do not exist.
 *
 * @throws Error naming the first URL that does not follow the naming
 */
function urlPrefixOf(created: readonly CreatedQueue[]): string {
  const first = created[0];
  if (!first) return '';
  const prefix = first.url.slice(
    0,
    first.url.length - queueNameSuffix(first.jobName, first.lane, first.kind).length,
  );
  for (const { url, jobName, lane, kind } of created) {
    if (queueUrl(prefix, jobName, lane, kind) !== url) {
      throw new Error(`Queue URL ${url} does not end in its name after the prefix ${prefix}`);
    }
  }
  return prefix;
}

/**
 * A job table with the stack's key schema: partition key `id` (string), on-demand, the ByOwner
 * index (`ownerShard`, `createdKey`) and the sparse Active index (`activeShard`,
 * `lastUpdatedAt`) for the sweeper, with the stack's INCLUDE projections (on-demand indexes take
 * no throughput). See `lambdas/table-schema.ts`.
 */
export async function createJobTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [
        { AttributeName: JOB_TABLE_PARTITION_KEY, AttributeType: 'S' },
        { AttributeName: BY_OWNER_INDEX.partitionKey, AttributeType: 'S' },
        { AttributeName: BY_OWNER_INDEX.sortKey, AttributeType: 'S' },
        { AttributeName: ACTIVE_INDEX.partitionKey, AttributeType: 'S' },
        { AttributeName: ACTIVE_INDEX.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: JOB_TABLE_PARTITION_KEY, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: BY_OWNER_INDEX.indexName,
          KeySchema: [
            { AttributeName: BY_OWNER_INDEX.partitionKey, KeyType: 'HASH' },
            { AttributeName: BY_OWNER_INDEX.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...BY_OWNER_PROJECTION] },
        },
        {
          IndexName: ACTIVE_INDEX.indexName,
          KeySchema: [
            { AttributeName: ACTIVE_INDEX.partitionKey, KeyType: 'HASH' },
            { AttributeName: ACTIVE_INDEX.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...ACTIVE_PROJECTION] },
        },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await untilActive(dynamodb, tableName);
}

/**
 * Waits for a new table to be ACTIVE, as a client of real DynamoDB must: dynalite answers
 * CreateTable with the table CREATING and flips it ACTIVE on a timer, so on a loaded machine a
 * write sent at once can meet ResourceNotFoundException.
 */
async function untilActive(dynamodb: DynamoDBClient, tableName: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) {
      throw new Error(`Table ${tableName} is still ${Table?.TableStatus} after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A queue and its DLQ, named and made as the stack makes them. */
async function createLane(
  sqs: SQSClient,
  stackName: string,
  job: JobTypeConfig,
  lane: QueueLane,
): Promise<ProvisionedLane> {
  const dlq = await createQueue(sqs, queueName(stackName, job.name, lane, 'dlq'), {
    MessageRetentionPeriod: String(DLQ_RETENTION_SECONDS),
    MaximumMessageSize: String(MAX_MESSAGE_BYTES),
  });
  const main = await createQueue(sqs, queueName(stackName, job.name, lane, 'queue'), {
    VisibilityTimeout: String(job.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(JOB_QUEUE_RETENTION_SECONDS),
    MaximumMessageSize: String(MAX_MESSAGE_BYTES),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: job.settings.maxReceiveCount,
    }),
  });
  return { queueUrl: main.url, queueArn: main.arn, deadLetterQueueUrl: dlq.url, deadLetterQueueArn: dlq.arn };
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>) {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`CreateQueue returned no URL for ${name}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`No ARN for queue ${name}`);
  return { url: QueueUrl, arn };
}
