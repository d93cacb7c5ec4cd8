/**
 * Builds each handler from SDK clients and plain settings. The Lambda entries (`*-handler.ts`)
 * call these with the environment the stack sets; the local mode calls them with emulator
 * clients. One wiring for both, so the two cannot drift.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbJobStore } from './adapters/dynamodb-job-store';
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
import { canceledPoints, recoveredPoints } from './job-metric-points';
import { jobMetricsEmitter, processorMetrics, submittedCounter } from './job-metrics';
import { makeProcessorHandler } from './processor/process-batch';
import { DAY_SECONDS } from './runtime-config';
import { makeSweeperHandler } from './sweeper/sweeper';
import { traceJob } from './tracer';

export interface SubmitWiring {
  readonly catalog: JobCatalog;
  readonly documentClient: DynamoDBDocumentClient;
  readonly sqsClient: SQSClient;
  readonly tableName: string;
  /** Job name -> queue URL. */
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly retentionDays: number;
  readonly maxBodyBytes: number;
}

export function wireSubmitHandler(wiring: SubmitWiring) {
  return makeSubmitHandler({
    catalog: wiring.catalog,
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName),
    queueFor: queueLookup(wiring.sqsClient, wiring.queueUrls),
    clock: systemClock,
    ids: randomIds,
    logger: new Logger(),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    maxBodyBytes: wiring.maxBodyBytes,
    countSubmitted: submittedCounter(),
  });
}

export interface GetJobWiring {
  readonly catalog: JobCatalog;
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
}

export function wireGetJobHandler(wiring: GetJobWiring) {
  return makeGetJobHandler({
    catalog: wiring.catalog,
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName),
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
  const emit = jobMetricsEmitter();
  return makeCancelJobHandler({
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName),
    clock: systemClock,
    logger: new Logger(),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    countCanceled: (jobName) => emit(jobName, canceledPoints()),
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
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName),
    clock: systemClock,
    ids: randomIds,
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    ...(wiring.leaseMs !== undefined ? { leaseMs: wiring.leaseMs } : {}),
    logger: new Logger({ persistentKeys: { jobName } }),
    metrics: processorMetrics(jobName),
    traceJob: traceJob(),
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
  const emit = jobMetricsEmitter();
  return makeSweeperHandler({
    store: new DynamoDbJobStore(wiring.documentClient, wiring.tableName),
    clock: systemClock,
    logger: new Logger({ persistentKeys: { component: 'sweeper' } }),
    queueFor: (name) => queues.get(name),
    deadLetterQueueFor: (name) => deadLetterQueues.get(name),
    staleAfterSecondsFor: (name) => staleAfter.get(name),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    maxJobsPerRun: wiring.maxJobsPerRun,
    onRecovered: (action, job) => emit(job.name, recoveredPoints(action, job)),
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
