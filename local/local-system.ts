/**
 * The whole system on one machine: emulators, provisioning, the API server and one event
 * source per job type, all driving the same handlers the Lambdas run. `npm start` and the
 * end-to-end tests both start it through here.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { JobCatalog } from '../lambdas/core/catalog';
import type { JobTypeDefinition } from '../lambdas/core/job-type';
import { jobTypes } from '../lambdas/jobs/catalog';
import { lanesOf, laneUrlMap } from '../lambdas/queue-names';
import type { SweeperResult } from '../lambdas/sweeper/sweeper';
import {
  wireCancelJobHandler,
  wireGetJobHandler,
  wireListJobsHandler,
  wireProcessorHandler,
  wireRedriveHandler,
  wireRetryJobHandler,
  wireSubmitHandler,
  wireSweeperHandler,
} from '../lambdas/wiring';
import { type StageConfig, sweeperStaleAfterSeconds } from '../lib/config';
import { type ApiServer, startApiServer } from './api-server';
import { CallRecorder, RECORD_CALLS_ENV, resourceNamesOf } from './call-recorder';
import {
  ComponentClientFactory,
  type LocalClients,
  type LocalComponent,
  type LocalEmulators,
} from './component-clients';
import { localAdminPrincipal } from './console/admin-principal';
import { createConsole } from './console/console-server';
import { type DynamoDbChoice, startDynamoDb } from './emulators/dynamodb';
import { startSqs } from './emulators/sqs';
import type { DynamoDbEmulator, SqsEmulator } from './emulators/types';
import { type EventSource, startEventSource } from './event-source';
import { localLaneConcurrency } from './lane-concurrency';
import type { MetricsSource } from './metrics/snapshot';
import { type Provisioned, type ProvisionedLane, provision } from './provision';

export type { LocalClients, LocalComponent, LocalEmulators } from './component-clients';

export interface LocalSystemOptions {
  readonly config: StageConfig;
  /** HTTP port; 0 picks a free one. */
  readonly port: number;
  readonly host?: string;
  readonly dynamodb?: DynamoDbChoice;
  /** Reports event-source errors (a thrown handler, an SQS call that failed). */
  readonly onError?: (error: unknown) => void;
  /**
   * Longest processor lease, ms (tests shorten it so heartbeats come sooner, and the sweeper
   * recovers a dead worker's job sooner). @default 60 s
   */
  readonly leaseMs?: number;
  /**
   * Milliseconds between recovery sweeps; 0 turns the timer off (call `sweep()` instead).
   * @default config.sweeper.intervalMinutes
   */
  readonly sweepIntervalMs?: number;
  /**
   * Test seam: the job types to run instead of the catalog's (same names and settings), e.g.
   * with handlers wrapped to count executions.
   * @default the catalog's job types
   */
  readonly jobTypes?: readonly JobTypeDefinition[];
  /**
   * Test seam: SDK clients one component uses instead of its own (e.g. clients with
   * fault-injecting middleware). Called once per component after the emulators started, and
   * once per job type for processors and event sources (`jobType`); a field left out keeps the
   * component's own client. While calls are recorded, give each component a client of its own.
   * @default every component's own clients
   */
  readonly clientsFor?: (
    component: LocalComponent,
    emulators: LocalEmulators,
    jobType?: string,
  ) => LocalClients | undefined;
  /**
   * Test seam: wraps each job type's processor before its event source invokes it (e.g. to
   * kill it mid-batch or deliver a batch twice).
   * @default the processor itself
   */
  readonly wrapProcessor?: (jobName: string, processor: LocalProcessor) => LocalProcessor;
  /**
   * How long the submit handler reuses a queue's backlog reading, ms (tests shorten it).
   * @default BACKLOG_CACHE_MS (5 s)
   */
  readonly backlogCacheMs?: number;
  /**
   * Directory to record every AWS call into, per function (see `call-recorder.ts`): one file
   * per system, written when it stops (or when the process exits). The permission contract
   * (`test/permissions`) checks the records against the stack's IAM policies.
   * @default the directory in `ASYNC_ENDPOINTS_RECORD_CALLS`, or no recording when unset
   */
  readonly recordCalls?: string;
  /**
   * Serve the console page at `/` (static files and its JSON under `/_console/`).
   * @default true
   */
  readonly console?: boolean;
  /**
   * The job metrics the console's metrics panel charts (the EMF collector); exposed as
   * `system.metrics`. Without one the panel says metrics are off.
   * @default none
   */
  readonly metrics?: MetricsSource;
}

/** A processor as the event source invokes it. */
export type LocalProcessor = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface LocalSystem {
  readonly url: string;
  readonly config: StageConfig;
  readonly dynamodb: DynamoDbEmulator;
  readonly sqs: SqsEmulator;
  readonly provisioned: Provisioned;
  /** Event sources by job type name. */
  readonly eventSources: Readonly<Record<string, EventSource>>;
  /** The high-priority lanes' event sources, by job type name (types that enable priorities). */
  readonly highPriorityEventSources: Readonly<Record<string, EventSource>>;
  /**
   * Runs one recovery sweep now (the timer runs them on its own): the DLQ reconciliation, then
   * the Active-index sweep. A call during a run returns that run.
   */
  sweep(): Promise<SweeperResult>;
  /** The job metrics the console charts, when the system has a source. */
  readonly metrics?: MetricsSource;
  /** Stops the API, lets in-flight batches finish, then stops the emulators. Idempotent. */
  stop(): Promise<void>;
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { config } = options;
  const stack: (() => Promise<void>)[] = [];
  const unwind = async () => {
    for (const stop of stack.reverse()) await stop().catch(() => {});
  };
  try {
    const [dynamodb, sqs] = await Promise.all([
      startDynamoDb({ prefer: options.dynamodb ?? 'auto' }),
      startSqs(),
    ]);
    stack.push(
      () => dynamodb.stop(),
      () => sqs.stop(),
    );
    const provisioned = await provision(config, {
      dynamodb: dynamodb.client,
      sqs: sqs.client,
      s3: sqs.s3Client,
    });
    const recordDir = options.recordCalls ?? process.env[RECORD_CALLS_ENV];
    const recorder = recordDir ? new CallRecorder(resourceNamesOf(provisioned), recordDir) : undefined;
    const factory = new ComponentClientFactory(
      { dynamodb, sqs },
      { clientsFor: options.clientsFor, recorder },
    );
    // Runs after everything that uses the clients has stopped: the records are complete.
    stack.push(async () => {
      recorder?.flush();
      factory.destroy();
    });

    const catalog = new JobCatalog(options.jobTypes ?? jobTypes, JSON.parse(config.jobSettingsJson));
    const clients = (component: LocalComponent, jobType?: string) => {
      const own = factory.for(component, jobType);
      return {
        catalog,
        tableName: provisioned.tableName,
        shards: config.table,
        documentClient: own.documentClient,
        sqsClient: own.sqsClient,
        payloads: {
          s3Client: own.s3Client,
          bucketName: provisioned.payloadBucket,
          compressAboveBytes: config.compressAboveBytes,
        },
      };
    };
    const wrap = options.wrapProcessor ?? ((_name: string, processor: LocalProcessor) => processor);
    const eventSources: Record<string, EventSource> = {};
    const highPriorityEventSources: Record<string, EventSource> = {};
    for (const job of config.jobTypes) {
      const queue = provisioned.queues[job.name];
      if (!queue) throw new Error(`No queue was provisioned for ${job.name}`);
      const high = queue.highPriority;
      // On AWS the event-source mapping calls SQS with the processor's role: each has its own clients here.
      const eventSourceClient = clients('event-source', job.name).sqsClient;
      // One processor for both lanes, as on AWS: two event sources invoke the same function.
      const handler = wrap(
        job.name,
        wireProcessorHandler({
          ...clients('processor', job.name),
          jobName: job.name,
          queueUrl: queue.queueUrl,
          deadLetterQueueUrl: queue.deadLetterQueueUrl,
          ...(high
            ? { highPriority: { queueUrl: high.queueUrl, deadLetterQueueUrl: high.deadLetterQueueUrl } }
            : {}),
          retentionDays: config.retentionDays,
          ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
        }),
      );
      const source = (lane: ProvisionedLane, maxConcurrency: number) =>
        startEventSource({
          client: eventSourceClient,
          queueUrl: lane.queueUrl,
          queueArn: lane.queueArn,
          batchSize: job.settings.batchSize,
          maxBatchingWindowMs: job.settings.maxBatchingWindowSeconds * 1000,
          maxConcurrency,
          functionTimeoutMs: job.settings.timeoutSeconds * 1000,
          functionName: `${config.stackName}-${job.name}-processor`,
          handler,
          onError: options.onError,
        });
      eventSources[job.name] = source(queue, localLaneConcurrency(job.settings, 'normal'));
      if (high)
        highPriorityEventSources[job.name] = source(high, localLaneConcurrency(job.settings, 'highPriority'));
    }
    const sources = [...Object.values(eventSources), ...Object.values(highPriorityEventSources)];
    stack.push(async () => {
      await Promise.all(sources.map((source) => source.stop()));
    });

    // Both lanes of every job type, derived from the URL prefix as the Lambda entries derive them.
    const lanes = lanesOf(config.jobTypes);
    const queueUrls = laneUrlMap(provisioned.queueUrlPrefix, lanes, 'queue');
    const deadLetterQueueUrls = laneUrlMap(provisioned.queueUrlPrefix, lanes, 'dlq');
    const consolePages =
      options.console === false
        ? undefined
        : createConsole({
            stage: config.stackName,
            jobTypes: catalog.names.map((name) => catalog.get(name).definition),
            provisioned,
            sqsEndpoint: sqs.endpoint,
            inputs: {
              dynamodbEndpoint: dynamodb.endpoint,
              s3Endpoint: sqs.endpoint,
              tableName: provisioned.tableName,
              shards: config.table,
              bucketName: provisioned.payloadBucket,
              compressAboveBytes: config.compressAboveBytes,
            },
            adminPrincipal: localAdminPrincipal(),
            metrics: () => options.metrics,
          });
    if (consolePages) stack.push(async () => consolePages.stop());
    const api: ApiServer = await startApiServer(
      {
        submit: wireSubmitHandler({
          ...clients('submit'),
          queueUrls,
          retentionDays: config.retentionDays,
          maxBodyBytes: config.maxBodyBytes,
          ...(options.backlogCacheMs !== undefined ? { backlogCacheMs: options.backlogCacheMs } : {}),
        }),
        getJob: wireGetJobHandler(clients('get-job')),
        listJobs: wireListJobsHandler(clients('list-jobs')),
        cancelJob: wireCancelJobHandler({ ...clients('cancel-job'), retentionDays: config.retentionDays }),
        retryJob: wireRetryJobHandler({
          ...clients('retry-job'),
          queueUrls,
          retentionDays: config.retentionDays,
        }),
        redrive: wireRedriveHandler({
          ...clients('redrive'),
          queueUrls,
          deadLetterQueueUrls,
          retentionDays: config.retentionDays,
        }),
      },
      { port: options.port, host: options.host, console: consolePages },
    );
    stack.push(() => api.stop());

    // The recovery sweeper, on a timer as EventBridge runs it on AWS; one run at a time.
    const sweeper = wireSweeperHandler({
      ...clients('sweeper'),
      queueUrls,
      deadLetterQueueUrls,
      staleAfterSeconds: sweeperStaleAfterSeconds(config),
      maxJobsPerRun: config.sweeper.maxJobsPerRun,
      retentionDays: config.retentionDays,
      // The processors' lease: a dead worker's job is recovered once its lease has run out.
      ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
    });
    let running: Promise<SweeperResult> | undefined;
    const sweep = () => {
      running ??= sweeper().finally(() => {
        running = undefined;
      });
      return running;
    };
    const intervalMs = options.sweepIntervalMs ?? config.sweeper.intervalMinutes * 60_000;
    const timer =
      intervalMs > 0
        ? setInterval(() => {
            sweep().catch((error: unknown) => options.onError?.(error));
          }, intervalMs)
        : undefined;
    timer?.unref();
    stack.push(async () => {
      clearInterval(timer);
      await running?.catch(() => {});
    });

    let stopped: Promise<void> | undefined;
    return {
      url: api.url,
      config,
      dynamodb,
      sqs,
      provisioned,
      eventSources,
      highPriorityEventSources,
      sweep,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      stop: () => {
        stopped ??= unwind();
        return stopped;
      },
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}
