/**
 * Builds each handler from SDK clients and plain settings. The Lambda entries (`*-handler.ts`)
 * call these with the environment the stack sets; the local mode calls them with emulator
 * clients. One wiring for both, so the two cannot drift.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { CachedBacklogGauge } from './adapters/cached-backlog-gauge';
import { DynamoDbJobStore } from './adapters/dynamodb-job-store';
import { JobPayloads } from './adapters/job-payloads';
import { S3PayloadStore } from './adapters/s3-payload-store';
import { SqsBacklogGauge } from './adapters/sqs-backlog-gauge';
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
import type { JobCatalog, PollIntervalLookup } from './core/catalog';
import type { BacklogGauge } from './core/ports';
import {
  JobPriority,
  type Lanes,
  LanesDeadLetterSource,
  PriorityDeadLetterQueue,
  PriorityJobQueue,
} from './core/priority';
import { canceledPoints, recoveredPoints, settledPoints } from './job-metric-points';
import { jobMetricsEmitter, processorMetrics, submittedCounter } from './job-metrics';
import { makeProcessorHandler } from './processor/process-batch';
import { DAY_SECONDS } from './runtime-config';
import { highPriorityKey } from './runtime-env';
import { makeSweeperHandler } from './sweeper/sweeper';
import type { TableShards } from './table-schema';
import { traceJob } from './tracer';

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

/** The job table, as every function that uses it needs it. */
export interface TableWiring {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The stage's index shard counts: the same in every function, or listings lose jobs. */
  readonly shards: TableShards;
}

/** The DynamoDB job store of a function. */
function jobStore(wiring: TableWiring, payloads?: JobPayloads): DynamoDbJobStore {
  return new DynamoDbJobStore(wiring.documentClient, wiring.tableName, { shards: wiring.shards }, payloads);
}

export interface SubmitWiring extends TableWiring {
  readonly catalog: JobCatalog;
  readonly sqsClient: SQSClient;
  /** Job name (and `<name>:high`) -> queue URL. */
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly retentionDays: number;
  readonly maxBodyBytes: number;
  /**
   * How long a queue's backlog reading is reused, ms (job types with a `maxBacklog`).
   * @default BACKLOG_CACHE_MS (5 s)
   */
  readonly backlogCacheMs?: number;
  readonly payloads: PayloadWiring;
}

export function wireSubmitHandler(wiring: SubmitWiring) {
  const gauges = lanesByName(
    wiring.queueUrls,
    (url): BacklogGauge =>
      new CachedBacklogGauge(new SqsBacklogGauge(wiring.sqsClient, url), systemClock, wiring.backlogCacheMs),
  );
  return makeSubmitHandler({
    catalog: wiring.catalog,
    store: jobStore(wiring, jobPayloads(wiring.payloads)),
    queueFor: queueLookup(wiring.sqsClient, wiring.queueUrls),
    backlogFor: (name, priority) => {
      const lanes = gauges.get(name);
      return priority === JobPriority.High ? lanes?.high : lanes?.normal;
    },
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

export interface GetJobWiring extends TableWiring {
  /** The job types' poll intervals (the Lambda entry loads no job type, only these). */
  readonly catalog: PollIntervalLookup;
  readonly payloads: PayloadWiring;
}

export function wireGetJobHandler(wiring: GetJobWiring) {
  const payloads = jobPayloads(wiring.payloads);
  return makeGetJobHandler({
    catalog: wiring.catalog,
    store: jobStore(wiring, payloads),
    resultLink: (result, now) => payloads.resultLink(result, now),
    clock: systemClock,
    logger: new Logger(),
  });
}

export interface CancelJobWiring extends TableWiring {
  readonly retentionDays: number;
}

export function wireCancelJobHandler(wiring: CancelJobWiring) {
  const emit = jobMetricsEmitter();
  return makeCancelJobHandler({
    store: jobStore(wiring),
    clock: systemClock,
    logger: new Logger(),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    countCanceled: (jobName) => emit(jobName, canceledPoints()),
  });
}

export interface ListJobsWiring extends TableWiring {}

export function wireListJobsHandler(wiring: ListJobsWiring) {
  return makeListJobsHandler({
    store: jobStore(wiring),
    clock: systemClock,
    logger: new Logger(),
  });
}

export interface ProcessorWiring extends TableWiring {
  readonly catalog: JobCatalog;
  readonly sqsClient: SQSClient;
  readonly jobName: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  /** The high-priority queue and its DLQ, for a job type that enables priorities. */
  readonly highPriority?: { readonly queueUrl: string; readonly deadLetterQueueUrl: string };
  readonly retentionDays: number;
  /**
   * Longest lease, ms (renewed every third of it while a handler runs).
   * @default LEASE_MS (60 s)
   */
  readonly leaseMs?: number;
  readonly payloads: PayloadWiring;
}

export function wireProcessorHandler(wiring: ProcessorWiring) {
  const { jobName, highPriority } = wiring;
  const normal = {
    client: wiring.sqsClient,
    queueUrl: wiring.queueUrl,
    deadLetterQueueUrl: wiring.deadLetterQueueUrl,
  };
  const high = highPriority && { client: wiring.sqsClient, ...highPriority };
  // One function consumes both lanes: a record's visibility changes and dead-letter copy go to
  // the queues of the lane it came from, told by the record's source ARN.
  const lane = (record: SQSRecord) =>
    high && queueNameOfArn(record.eventSourceARN) === queueNameOfUrl(high.queueUrl) ? high : normal;
  return makeProcessorHandler({
    catalog: wiring.catalog,
    jobName,
    store: jobStore(wiring, jobPayloads(wiring.payloads)),
    clock: systemClock,
    ids: randomIds,
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    ...(wiring.leaseMs !== undefined ? { leaseMs: wiring.leaseMs } : {}),
    logger: new Logger({ persistentKeys: { jobName } }),
    metrics: processorMetrics(jobName),
    traceJob: traceJob(),
    deliveryFor: (record, jobId) => sqsDelivery(record, jobId, lane(record)),
  });
}

export interface SweeperWiring extends TableWiring {
  readonly sqsClient: SQSClient;
  /** Job name (and `<name>:high`) -> queue URL. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Job name (and `<name>:high`) -> dead-letter queue URL. */
  readonly deadLetterQueueUrls: Readonly<Record<string, string>>;
  /** Job name -> seconds after which a Queued or Scheduled job's message counts as lost. */
  readonly staleAfterSeconds: Readonly<Record<string, number>>;
  readonly maxJobsPerRun: number;
  readonly retentionDays: number;
  /**
   * The processors' longest lease, ms: jobs updated more recently are not examined.
   * @default LEASE_MS (60 s)
   */
  readonly leaseMs?: number;
  /**
   * Recovery after a restart that lost every message and worker: see `SweepJobsDeps.restartedAt`.
   * @default - a periodic sweep
   */
  readonly restartedAt?: Date;
}

/**
 * How long a batch of dead letters the sweeper received stays hidden if its run dies before
 * releasing it, seconds (a live run releases each batch as soon as it is settled).
 */
const SWEEPER_DEAD_LETTER_HIDE_SECONDS = 30;

export function wireSweeperHandler(wiring: SweeperWiring) {
  const queues = sqsJobQueues(wiring.sqsClient, wiring.queueUrls);
  const deadLetterQueues = new Map(
    [...lanesByName(wiring.deadLetterQueueUrls, (url) => new SqsDeadLetterQueue(wiring.sqsClient, url))].map(
      ([name, lanes]) => [name, new PriorityDeadLetterQueue(lanes)],
    ),
  );
  const staleAfter = new Map(Object.entries(wiring.staleAfterSeconds));
  const emit = jobMetricsEmitter();
  // Every DLQ on its own, both lanes: a job's message moves to the DLQ of the lane it was in.
  const inboxes = [
    ...lanesByName(
      wiring.deadLetterQueueUrls,
      (url) => new SqsDeadLetters(wiring.sqsClient, url, { hideSeconds: SWEEPER_DEAD_LETTER_HIDE_SECONDS }),
    ),
  ].flatMap(([jobName, { normal, high }]) =>
    [normal, ...(high ? [high] : [])].map((inbox) => ({ jobName, inbox })),
  );
  return makeSweeperHandler({
    store: jobStore(wiring),
    clock: systemClock,
    logger: new Logger({ persistentKeys: { component: 'sweeper' } }),
    queueFor: (name) => queues.get(name),
    deadLetterQueueFor: (name) => deadLetterQueues.get(name),
    staleAfterSecondsFor: (name) => staleAfter.get(name),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    maxJobsPerRun: wiring.maxJobsPerRun,
    ...(wiring.leaseMs !== undefined ? { leaseMs: wiring.leaseMs } : {}),
    ...(wiring.restartedAt ? { restartedAt: wiring.restartedAt } : {}),
    onRecovered: (action, job) => emit(job.name, recoveredPoints(action, job)),
    deadLetterInboxes: inboxes,
    onDeadLetterSettled: (job) => emit(job.name, settledPoints(job)),
  });
}

export interface RetryJobWiring extends TableWiring {
  /** The job types' poll intervals (the Lambda entry loads no job type, only these). */
  readonly catalog: PollIntervalLookup;
  readonly sqsClient: SQSClient;
  /** Job name (and `<name>:high`) -> queue URL. */
  readonly queueUrls: Readonly<Record<string, string>>;
  readonly retentionDays: number;
}

export function wireRetryJobHandler(wiring: RetryJobWiring) {
  return makeRetryJobHandler({
    catalog: wiring.catalog,
    store: jobStore(wiring),
    queueFor: queueLookup(wiring.sqsClient, wiring.queueUrls),
    clock: systemClock,
    logger: new Logger(),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
  });
}

export interface RedriveWiring extends TableWiring {
  readonly sqsClient: SQSClient;
  /** Job name (and `<name>:high`) -> queue URL. */
  readonly queueUrls: Readonly<Record<string, string>>;
  /** Job name (and `<name>:high`) -> dead-letter queue URL. */
  readonly deadLetterQueueUrls: Readonly<Record<string, string>>;
  readonly retentionDays: number;
  /** Time budget of one request, ms. @default REDRIVE_TIME_BUDGET_MS (20 s) */
  readonly timeBudgetMs?: number;
}

export function wireRedriveHandler(wiring: RedriveWiring) {
  const queues = sqsJobQueues(wiring.sqsClient, wiring.queueUrls);
  const deadLetters = lanesByName(
    wiring.deadLetterQueueUrls,
    (url) => new SqsDeadLetters(wiring.sqsClient, url),
  );
  return makeRedriveHandler({
    store: jobStore(wiring),
    queuesFor: (name) => {
      const queue = queues.get(name);
      const lanes = deadLetters.get(name);
      // A fresh source per run: it remembers which of the two DLQs that run has drained.
      return queue && lanes ? { queue, deadLetters: new LanesDeadLetterSource(lanes) } : undefined;
    },
    clock: systemClock,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    logger: new Logger(),
    retentionSeconds: wiring.retentionDays * DAY_SECONDS,
    ...(wiring.timeBudgetMs !== undefined ? { timeBudgetMs: wiring.timeBudgetMs } : {}),
  });
}

/**
 * Each job type's lanes from a URL map keyed by job name and `<name>:high`: the normal lane
 * always, the high one when the map holds it.
 */
function lanesByName<T>(
  urls: Readonly<Record<string, string>>,
  make: (url: string) => T,
): Map<string, Lanes<T>> {
  const lanes = new Map<string, Lanes<T>>();
  for (const [name, url] of Object.entries(urls)) {
    if (name.includes(':')) continue;
    const highUrl = urls[highPriorityKey(name)];
    lanes.set(name, { normal: make(url), ...(highUrl ? { high: make(highUrl) } : {}) });
  }
  return lanes;
}

/** One job queue per job type, by name, sending each job to its priority's SQS queue. */
function sqsJobQueues(
  client: SQSClient,
  queueUrls: Readonly<Record<string, string>>,
): Map<string, PriorityJobQueue> {
  return new Map(
    [...lanesByName(queueUrls, (url) => new SqsJobQueue(client, url))].map(([name, lanes]) => [
      name,
      new PriorityJobQueue(lanes),
    ]),
  );
}

/** `name` of `https://sqs.<region>.amazonaws.com/<account>/<name>` (and of local emulator URLs). */
function queueNameOfUrl(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** `name` of `arn:aws:sqs:<region>:<account>:<name>`. */
function queueNameOfArn(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/** The queue of a job type; a name without a configured URL is a deployment error. */
function queueLookup(client: SQSClient, queueUrls: Readonly<Record<string, string>>) {
  const queues = sqsJobQueues(client, queueUrls);
  return (name: string): PriorityJobQueue => {
    const queue = queues.get(name);
    if (!queue) throw new Error(`No queue URL is configured for job type '${name}'`);
    return queue;
  };
}
