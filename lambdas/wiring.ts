/**
 * Builds each handler from SDK clients and plain settings. The Lambda entries (`*-handler.ts`)
 * call these with the environment the stack sets; the local mode calls them with emulator
 * clients. One wiring for both, so the two cannot drift.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbJobStore } from './adapters/dynamodb-job-store';
import { JobPayloads } from './adapters/job-payloads';
import { S3PayloadStore } from './adapters/s3-payload-store';
import { SqsDeadLetterQueue } from './adapters/sqs-dead-letter-queue';
import { SqsDeadLetters } from './adapters/sqs-dead-letters';
import { sqsDelivery } from './adapters/sqs-delivery';
import { SqsJobQueue } from './adapters/sqs-job-queue';
import { randomIds, systemClock } from './adapters/system';
import { makeCancelJobHandler } from './api/cancel-job';
import { makeGetJobHandler } from './api/get-job';
import { makeListJobsHandler } from './api/list-jobs';
import { makeRedriveHandler } from './api/redrive';
import { makeRetryJobHandler } from './api/retry-job';
import { makeSubmitHandler } from './api/submit';
import type { JobCatalog } from './core/catalog';
import { processorMetrics, submittedCounter } from './job-metrics';
import { makeProcessorHandler } from './processor/process-batch';
import { DAY_SECONDS } from './runtime-config';
import { makeSweeperHandler } from './sweeper/sweeper';

/** Where large inputs and results go: the functions that write or read them (submit, processor, get-job). */
export interface PayloadWiring {
  readonly s3Client: S3Client;
  /** The payload bucket (claim check). */
  readonly bucketName: string;
  /** JSON longer than this is stored gzip-compressed, bytes. */
  readonly compressAboveBytes: number;
}

/** The payload policy and bucket the DynamoDB store of a function uses. */
function jobPayloads(wiring: PayloadWiring): JobPayloads {
  return new JobPayloads({
    policy: { compressAboveBytes: wiring.compressAboveBytes },
    objects: new S3PayloadStore(wiring.s3Client, wiring.bucketName),
  });
}

export interface SubmitWiring {
  readonly catalog: JobCatalog;
  readonly documentClient: DynamoDBDocumentClient;
  readonly sqsClient: SQSClient;
  readonly tableName: string;
  /** Job name -> queue URL. */
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly retentionDays: number;
  readonly maxBodyBytes: number;
  readonly payloads: PayloadWiring;
}

export function wireSubmitHandler(wiring: SubmitWiring) {
  return makeSubmitHandler({
    catalog: wiring.catalog,
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName, {}, jobPayloads(wiring.payloads)),
    queueFor: queueLookup(wiring.sqsClient, wiring.queueUrls),
    clock: systemClock,
    ids: randomIds,
    logger: new Logger(),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    maxBodyBytes: wiring.maxBodyBytes,
    // What the schema returns is held to the body's limit too.
    maxInputBytes: wiring.maxBodyBytes,
    countSubmitted: submittedCounter(),
  });
}

export interface GetJobWiring {
  readonly catalog: JobCatalog;
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly payloads: PayloadWiring;
}

export function wireGetJobHandler(wiring: GetJobWiring) {
  const payloads = jobPayloads(wiring.payloads);
  return makeGetJobHandler({
    catalog: wiring.catalog,
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName, {}, payloads),
    resultLink: (result, now) => payloads.resultLink(result, now),
    clock: systemClock,
    logger: new Logger(),
  });
}

export interface CancelJobWiring {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly retentionDays: number;
}

export function wireCancelJobHandler(wiring: CancelJobWiring) {
  return makeCancelJobHandler({
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName),
    clock: systemClock,
    logger: new Logger(),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
  });
}

export interface ListJobsWiring {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function wireListJobsHandler(wiring: ListJobsWiring) {
  return makeListJobsHandler({
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName),
    clock: systemClock,
    logger: new Logger(),
  });
}

export interface ProcessorWiring {
  readonly catalog: JobCatalog;
  readonly documentClient: DynamoDBDocumentClient;
  readonly sqsClient: SQSClient;
  readonly tableName: string;
  readonly jobName: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly retentionDays: number;
  /**
   * Longest lease, ms (renewed every third of it while a handler runs).
   * @default LEASE_MS (60 s)
   */
  readonly leaseMs?: number;
  readonly payloads: PayloadWiring;
}

export function wireProcessorHandler(wiring: ProcessorWiring) {
  const { jobName } = wiring;
  const sqs = {
    client: wiring.sqsClient,
    queueUrl: wiring.queueUrl,
    deadLetterQueueUrl: wiring.deadLetterQueueUrl,
  };
  return makeProcessorHandler({
    catalog: wiring.catalog,
    jobName,
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName, {}, jobPayloads(wiring.payloads)),
    clock: systemClock,
    ids: randomIds,
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    ...(wiring.leaseMs !== undefined ? { leaseMs: wiring.leaseMs } : {}),
    logger: new Logger({ persistentKeys: { jobName } }),
    metrics: processorMetrics(jobName),
    deliveryFor: (record, jobId) => sqsDelivery(record, jobId, sqs),
  });
}

export interface SweeperWiring {
  readonly documentClient: DynamoDBDocumentClient;
  readonly sqsClient: SQSClient;
  readonly tableName: string;
  /** Job name -> queue URL. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Job name -> dead-letter queue URL. */
  readonly deadLetterQueueUrls: Readonly<Record<string, string>>;
  /** Job name -> seconds after which a Queued or Scheduled job's message counts as lost. */
  readonly staleAfterSeconds: Readonly<Record<string, number>>;
  readonly maxJobsPerRun: number;
  readonly retentionDays: number;
}

export function wireSweeperHandler(wiring: SweeperWiring) {
  const queues = sqsJobQueues(wiring.sqsClient, wiring.queueUrls);
  const deadLetterQueues = new Map(
    Object.entries(wiring.deadLetterQueueUrls).map(([name, url]) => [
      name,
      new SqsDeadLetterQueue(wiring.sqsClient, url),
    ]),
  );
  const staleAfter = new Map(Object.entries(wiring.staleAfterSeconds));
  return makeSweeperHandler({
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName),
    clock: systemClock,
    logger: new Logger({ persistentKeys: { component: 'sweeper' } }),
    queueFor: (name) => queues.get(name),
    deadLetterQueueFor: (name) => deadLetterQueues.get(name),
    staleAfterSecondsFor: (name) => staleAfter.get(name),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    maxJobsPerRun: wiring.maxJobsPerRun,
  });
}

export interface RetryJobWiring {
  readonly catalog: JobCatalog;
  readonly documentClient: DynamoDBDocumentClient;
  readonly sqsClient: SQSClient;
  readonly tableName: string;
  /** Job name -> queue URL. */
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly retentionDays: number;
}

export function wireRetryJobHandler(wiring: RetryJobWiring) {
  return makeRetryJobHandler({
    catalog: wiring.catalog,
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName),
    queueFor: queueLookup(wiring.sqsClient, wiring.queueUrls),
    clock: systemClock,
    logger: new Logger(),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
  });
}

export interface RedriveWiring {
  readonly documentClient: DynamoDBDocumentClient;
  readonly sqsClient: SQSClient;
  readonly tableName: string;
  /** Job name -> queue URL. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Job name -> dead-letter queue URL. */
  readonly deadLetterQueueUrls: Readonly<Record<string, string>>;
  readonly retentionDays: number;
  /** Time budget of one request, ms. @default REDRIVE_TIME_BUDGET_MS (20 s) */
  readonly timeBudgetMs?: number;
}

export function wireRedriveHandler(wiring: RedriveWiring) {
  const queues = new Map(
    Object.entries(wiring.queueUrls).flatMap(([name, url]) => {
      const dlqUrl = wiring.deadLetterQueueUrls[name];
      if (!dlqUrl) return [];
      const pair = {
        queue: new SqsJobQueue(wiring.sqsClient, url),
        deadLetters: new SqsDeadLetters(wiring.sqsClient, dlqUrl),
      };
      return [[name, pair] as const];
    }),
  );
  return makeRedriveHandler({
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName),
    queuesFor: (name) => queues.get(name),
    clock: systemClock,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    logger: new Logger(),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    ...(wiring.timeBudgetMs !== undefined ? { timeBudgetMs: wiring.timeBudgetMs } : {}),
  });
}

/** One SQS job queue per job type, by name. */
function sqsJobQueues(
  client: SQSClient,
  queueUrls: Readonly<Record<string, string>>,
): Map<string, SqsJobQueue> {
  return new Map(Object.entries(queueUrls).map(([name, url]) => [name, new SqsJobQueue(client, url)]));
}

/** The queue of a job type; a name without a configured URL is a deployment error. */
function queueLookup(client: SQSClient, queueUrls: Readonly<Record<string, string>>) {
  const queues = sqsJobQueues(client, queueUrls);
  return (name: string): SqsJobQueue => {
    const queue = queues.get(name);
    if (!queue) throw new Error(`No queue URL is configured for job type '${name}'`);
    return queue;
  };
}
