/**
 * The whole system on one machine: emulators, provisioning, the API server and one event
 * source per job type, all driving the same handlers the Lambdas run. `npm start` and the
 * end-to-end tests both start it through here.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { JobTypeDefinition } from '../lambdas/core/job-type';
import { lanesOf, laneUrlMap } from '../lambdas/queue-names';
import type { SweeperResult } from '../lambdas/sweeper/sweeper';
import { type StageConfig, sweeperStaleAfterSeconds } from '../lib/config';
import { localAdminPrincipal } from './api-gateway-event';
import { type ApiServer, startApiServer } from './api-server';
import { CallRecorder, RECORD_CALLS_ENV, resourceNamesOf } from './call-recorder';
import {
  ComponentClientFactory,
  type LocalClients,
  type LocalComponent,
  type LocalEmulators,
} from './component-clients';
import { createConsole } from './console/console-server';
import { checkSameJobTypes, type HandlerModules, startupModules } from './dev/handler-modules';
import { LiveHandlers } from './dev/live-handlers';
import { type DynamoDbChoice, startDynamoDb } from './emulators/dynamodb';
import { startSqs } from './emulators/sqs';
import type { DynamoDbEmulator, SqsEmulator } from './emulators/types';
import { type EventSource, startEventSource } from './event-source';
import { localLaneConcurrency } from './lane-concurrency';
import type { MetricsSource } from './metrics/snapshot';
import { namedFunctions } from './observability/function-scope';
import { type ObserveOptions, startObservability } from './observability/local-observability';
import { type Provisioned, type ProvisionedLane, provision } from './provision';
import { type BootRecovery, recoverAtBoot } from './state/boot-recovery';
import { type DataDir, openDataDir } from './state/data-dir';
import { restoreDeadLetters } from './state/dead-letters';
import { countJobs, type JobCensus } from './state/job-census';

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
   * Logs and metrics: collect the handlers' EMF metrics into `metrics` (off their terminal
   * lines), print log lines readably (see `observability/local-observability.ts`).
   * @default output as the handlers write it, no collector
   */
  readonly observe?: ObserveOptions;
  /**
   * The only caller the admin routes (`/admin/...`) accept, named with `X-Local-Principal`.
   * @default `ASYNC_ENDPOINTS_LOCAL_ADMIN`, else DEFAULT_LOCAL_ADMIN_PRINCIPAL (`local-admin`)
   */
  readonly adminPrincipal?: string;
  /**
   * The handler code to start with (`npm run dev` and its tests load it from another root).
   * @default this process's own modules, with `jobTypes` if given
   */
  readonly handlerModules?: HandlerModules;
  /**
   * Serve the console page at `/` (static files and its JSON under `/_console/`).
   * @default true
   */
  readonly console?: boolean;
  /**
   * Test seam: the job metrics the console charts instead of the EMF collector's (`observe`).
   * @default the collector's, when `observe.collectMetrics` is on
   */
  readonly metrics?: MetricsSource;
  /**
   * Keep the state in this folder across restarts (`npm start` uses `.async-endpoints/` in the
   * project): the job table, and the payload bucket's objects, under `<dataDir>/<stackName>/`.
   * The queues stay in memory, so at start every unfinished job is re-enqueued (see
   * `state/boot-recovery.ts`).
   * @default everything in memory (what the tests use)
   */
  readonly dataDir?: string;
  /**
   * With `dataDir`: delete the stack's data folder first and start empty (`npm start -- --fresh`).
   * @default false
   */
  readonly fresh?: boolean;
}

/** What a system started on a data folder found there and did with it. */
export interface DurableState {
  /** The stack's data folder. */
  readonly dir: string;
  /** Whether it was wiped first (`fresh`). */
  readonly wiped: boolean;
  /** Whether the folder held nothing before this start (new, or wiped). */
  readonly empty: boolean;
  /** S3 objects put back into the emulator. */
  readonly restoredObjects: number;
  /** What the boot recovery did with the unfinished jobs (before the system was ready). */
  readonly recovered: BootRecovery;
  /**
   * Finished after ready, in the background (a Scan of the whole table takes seconds with
   * thousands of jobs): the jobs the table holds by status (read while the recovered jobs run),
   * and the Failed jobs' dead letters sent back to their DLQs. Undefined if it failed (reported
   * through `onError`).
   */
  readonly inventory: Promise<Inventory | undefined>;
}

/** The background part of a start on a data folder. */
export interface Inventory {
  readonly found: JobCensus;
  /** Dead-letter copies of Failed jobs sent again to their DLQs. */
  readonly deadLetters: number;
}

/** A processor as the event source invokes it. */
export type LocalProcessor = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface LocalSystem {
  readonly url: string;
  readonly config: StageConfig;
  readonly dynamodb: DynamoDbEmulator;
  readonly sqs: SqsEmulator;
  readonly provisioned: Provisioned;
  /** The job metrics the handlers emitted, per minute (when `observe.collectMetrics` is on). */
  readonly metrics?: MetricsSource;
  /** Event sources by job type name. */
  readonly eventSources: Readonly<Record<string, EventSource>>;
  /** The high-priority lanes' event sources, by job type name (types that enable priorities). */
  readonly highPriorityEventSources: Readonly<Record<string, EventSource>>;
  /** The data folder's state, when started with `dataDir`; undefined in memory. */
  readonly durable?: DurableState;
  /**
   * Runs one recovery sweep now (the timer runs them on its own): the DLQ reconciliation, then
   * the Active-index sweep. A call during a run returns that run.
   */
  sweep(): Promise<SweeperResult>;
  /** The only caller the admin routes accept (`X-Local-Principal`). */
  readonly adminPrincipal: string;
  /**
   * Rebuilds every handler (routes, processors, sweeper) from `modules` and swaps them in; the
   * emulators, queues, event sources and API server stay up. Running calls finish on the old ones.
   * @throws ReloadRefusedError when the modules add, remove or re-configure a job type (queues and
   *   event sources are provisioned at start: restart); whatever building a handler throws. Either
   *   way the previous handlers stay in place.
   */
  reload(modules: HandlerModules): void;
  /** Stops the API, lets in-flight batches finish, then stops the emulators. Idempotent. */
  stop(): Promise<void>;
}

export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const { config } = options;
  const adminPrincipal = localAdminPrincipal(options.adminPrincipal);
  const stack: (() => Promise<void>)[] = [];
  const unwind = async () => {
    for (const stop of stack.reverse()) await stop().catch(() => {});
  };
  // Everything the old process left unfinished was last updated before this instant.
  const restartedAt = new Date();
  try {
    // First: the handlers' Metrics read whether they are enabled when they are built.
    const observability = startObservability(options.observe ?? {});
    const metricsSource = options.metrics ?? observability.metrics;
    stack.push(async () => observability.stop());
    const data: DataDir | undefined = options.dataDir
      ? openDataDir({ root: options.dataDir, stackName: config.stackName, fresh: options.fresh })
      : undefined;
    const [dynamodb, sqs] = await Promise.all([
      startDynamoDb({
        prefer: options.dynamodb ?? 'auto',
        ...(data ? { dbPath: data.path('dynamodb-local'), dynalitePath: data.path('dynalite') } : {}),
      }),
      startSqs(data ? { objectsDir: data.path('s3') } : {}),
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

    const handlers = new LiveHandlers(
      options.handlerModules ??
        (options.jobTypes ? { ...startupModules, jobTypes: options.jobTypes } : startupModules),
    );
    const catalogs = new WeakMap<HandlerModules, InstanceType<HandlerModules['JobCatalog']>>();
    const catalogOf = (m: HandlerModules) => {
      const catalog = catalogs.get(m) ?? new m.JobCatalog(m.jobTypes, JSON.parse(config.jobSettingsJson));
      catalogs.set(m, catalog);
      return catalog;
    };
    // Each component keeps its SDK clients across reloads; only the handler code is new.
    const owned = new Map<string, ReturnType<ComponentClientFactory['for']>>();
    const clients = (m: HandlerModules, component: LocalComponent, jobType?: string) => {
      const key = `${component}/${jobType ?? ''}`;
      const own = owned.get(key) ?? factory.for(component, jobType);
      owned.set(key, own);
      return {
        catalog: catalogOf(m),
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
      const eventSourceClient = clients(handlers.modules, 'event-source', job.name).sqsClient;
      // One processor for both lanes, as on AWS: two event sources invoke the same function.
      const handler = handlers.live((m) =>
        wrap(
          job.name,
          m.wiring.wireProcessorHandler({
            ...clients(m, 'processor', job.name),
            jobName: job.name,
            queueUrl: queue.queueUrl,
            deadLetterQueueUrl: queue.deadLetterQueueUrl,
            ...(high
              ? { highPriority: { queueUrl: high.queueUrl, deadLetterQueueUrl: high.deadLetterQueueUrl } }
              : {}),
            retentionDays: config.retentionDays,
            ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
          }),
        ),
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
          memoryLimitInMB: job.settings.memoryMiB,
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
            jobTypes: handlers.modules.jobTypes,
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
            adminPrincipal,
            metrics: () => metricsSource,
          });
    if (consolePages) stack.push(async () => consolePages.stop());
    const api: ApiServer = await startApiServer(
      // Each runs as its function, so readable log lines can name it (API logs carry no context).
      namedFunctions({
        submit: handlers.live((m) =>
          m.wiring.wireSubmitHandler({
            ...clients(m, 'submit'),
            queueUrls,
            retentionDays: config.retentionDays,
            maxBodyBytes: config.maxBodyBytes,
            ...(options.backlogCacheMs !== undefined ? { backlogCacheMs: options.backlogCacheMs } : {}),
          }),
        ),
        getJob: handlers.live((m) => m.wiring.wireGetJobHandler(clients(m, 'get-job'))),
        listJobs: handlers.live((m) => m.wiring.wireListJobsHandler(clients(m, 'list-jobs'))),
        cancelJob: handlers.live((m) =>
          m.wiring.wireCancelJobHandler({ ...clients(m, 'cancel-job'), retentionDays: config.retentionDays }),
        ),
        retryJob: handlers.live((m) =>
          m.wiring.wireRetryJobHandler({
            ...clients(m, 'retry-job'),
            queueUrls,
            retentionDays: config.retentionDays,
          }),
        ),
        redrive: handlers.live((m) =>
          m.wiring.wireRedriveHandler({
            ...clients(m, 'redrive'),
            queueUrls,
            deadLetterQueueUrls,
            retentionDays: config.retentionDays,
          }),
        ),
      }),
      {
        port: options.port,
        ...(options.host !== undefined ? { host: options.host } : {}),
        adminPrincipal,
        console: consolePages,
      },
    );
    stack.push(() => api.stop());

    const sweeperWiring = (m: HandlerModules) => ({
      ...clients(m, 'sweeper'),
      queueUrls,
      deadLetterQueueUrls,
      staleAfterSeconds: sweeperStaleAfterSeconds(config),
      retentionDays: config.retentionDays,
    });
    const bootWiring = sweeperWiring(handlers.modules);
    // The queues were empty at start: put back every job the table says is unfinished, then
    // (in the background) every Failed job's dead letter.
    const recovered = data && !data.empty ? await recoverAtBoot(bootWiring, restartedAt) : undefined;
    const inventory = data
      ? countJobs(dynamodb.documentClient, provisioned.tableName).then(
          async (found): Promise<Inventory> => {
            const failed = (found.failed ?? []).filter(
              (job) => job.lastUpdatedAt < restartedAt.toISOString(),
            );
            const deadLetters = await restoreDeadLetters(bootWiring.sqsClient, deadLetterQueueUrls, failed);
            return { found, deadLetters };
          },
          (error: unknown) => {
            options.onError?.(error);
            return undefined;
          },
        )
      : undefined;
    // Stopped after the API and the event sources, before the emulators.
    stack.push(async () => {
      await inventory;
    });

    // The recovery sweeper, on a timer as EventBridge runs it on AWS; one run at a time.
    const sweeper = handlers.live((m) =>
      m.wiring.wireSweeperHandler({
        ...sweeperWiring(m),
        maxJobsPerRun: config.sweeper.maxJobsPerRun,
        // The processors' lease: a dead worker's job is recovered once its lease has run out.
        ...(options.leaseMs !== undefined ? { leaseMs: options.leaseMs } : {}),
      }),
    );
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
      ...(metricsSource ? { metrics: metricsSource } : {}),
      eventSources,
      highPriorityEventSources,
      ...(data && inventory
        ? {
            durable: {
              dir: data.dir,
              wiped: data.wiped,
              empty: data.empty,
              restoredObjects: sqs.restoredObjects,
              recovered: recovered ?? { requeued: 0, rescheduled: 0, failed: 0 },
              inventory,
            },
          }
        : {}),
      sweep,
      adminPrincipal,
      reload: (modules: HandlerModules) => {
        checkSameJobTypes(handlers.modules, modules);
        handlers.swap(modules);
      },
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
