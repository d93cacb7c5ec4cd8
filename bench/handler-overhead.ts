/**
 * Benchmark 2, handler overhead: CPU time per job of the submit and processor handlers versus a
 * bare handler making the same SDK calls (same commands, same clients, same endpoints) and
 * nothing else (bench/support/bare-handlers.ts).
 *
 * In one process, after warm-up, rounds alternate the real and the bare handler (the order
 * flips every round: AB BA AB ...) so drift of the machine's load hits both alike; each half
 * of a round times `process.cpuUsage()` around a fixed number of sequential invocations. The
 * emulators run in other processes (DynamoDB Local's JVM, fauxqs in a child), so their work
 * is not counted. The handlers run as on Lambda: INFO logs and EMF metrics on (their output
 * is formatted and then dropped, and its bytes counted).
 *
 *   npm run bench -- --only overhead [--quick] [--rounds R] [--submits N] [--batches B]
 */

import type { Message } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEvent, SQSEvent } from 'aws-lambda';
import { JobCatalog } from '../lambdas/core/catalog';
import { jobTypes } from '../lambdas/jobs/catalog';
import { wireProcessorHandler, wireSubmitHandler } from '../lambdas/wiring';
import { toApiGatewayEvent } from '../local/api-gateway-event';
import { startDynamoDb } from '../local/emulators/dynamodb';
import { localS3Client } from '../local/emulators/s3';
import { lambdaContext, queueIdentity, toSqsRecord } from '../local/event-source-records';
import { loadLocalConfig } from '../local/local-config';
import { provision } from '../local/provision';
import { bareProcessRecord, bareSubmit, batchHandler } from './support/bare-handlers';
import { ownDocumentClient, pool } from './support/local';
import { runAsMain } from './support/main';
import { progress } from './support/progress';
import { type Benchmark, setting } from './support/report';
import { startSqsProcess } from './support/sqs-process';
import { median, percentile, round, times } from './support/stats';

const JOB = 'echo';
const RECORDS_PER_BATCH = 10;

/** Swallows this process's stdout (the handlers' logs and EMF), counting its bytes. */
function muteStdout() {
  const original = process.stdout.write;
  let bytes = 0;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stdout.write;
  return {
    take(): number {
      const taken = bytes;
      bytes = 0;
      return taken;
    },
    restore() {
      process.stdout.write = original;
    },
  };
}

/** CPU microseconds (user + system) `work` takes. */
async function cpuOf(work: () => Promise<void>): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

function submitEvent(index: number): APIGatewayProxyEvent {
  return toApiGatewayEvent(
    {
      method: 'POST',
      url: `/jobs/${JOB}`,
      headers: { 'content-type': 'application/json', host: 'localhost' },
      body: Buffer.from(JSON.stringify({ n: index, text: 'benchmark input' })),
      sourceIp: '127.0.0.1',
    },
    '/jobs/{nameOrId}',
    { nameOrId: JOB },
  );
}

interface Pair {
  readonly real: number;
  readonly bare: number;
}

/** The handler overhead benchmark (`--only overhead`). */
export const handlerOverhead: Benchmark = {
  name: 'overhead',
  title: 'Handler overhead (CPU per job, real vs bare)',
  async run(options) {
    const rounds = setting(options, 'rounds', 15, 5);
    const warmup = setting(options, 'warmup', 2, 1);
    const submitsPerHalf = setting(options, 'submits', 100, 40);
    const batchesPerHalf = setting(options, 'batches', 10, 4);
    // As deployed: INFO logs, metrics on. Read by Powertools when the handlers are built.
    process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    process.env.POWERTOOLS_SERVICE_NAME = 'AsyncEndpoints';

    const config = loadLocalConfig();
    const show = progress();
    show.update('[overhead] starting DynamoDB Local and fauxqs in their own processes');
    const [dynamodb, sqs] = await Promise.all([
      startDynamoDb({ prefer: 'dynamodb-local' }),
      startSqsProcess(),
    ]);
    const stdout = muteStdout();
    try {
      const s3Client = localS3Client(sqs.endpoint);
      const provisioned = await provision(config, {
        dynamodb: dynamodb.client,
        sqs: sqs.client,
        s3: s3Client,
      });
      const payloads = {
        s3Client,
        bucketName: provisioned.payloadBucket,
        compressAboveBytes: config.compressAboveBytes,
      };
      const queue = provisioned.queues[JOB];
      if (!queue) throw new Error(`No queue for ${JOB}`);
      // One pair of clients shared by real and bare, as a Lambda's module-scope clients are.
      const documentClient = ownDocumentClient(dynamodb.endpoint);
      const sqsClient = sqs.client;
      const catalog = new JobCatalog(jobTypes, JSON.parse(config.jobSettingsJson));
      const queueUrls = Object.fromEntries(
        Object.entries(provisioned.queues).map(([n, q]) => [n, q.queueUrl]),
      );
      const realSubmit = wireSubmitHandler({
        catalog,
        documentClient,
        sqsClient,
        tableName: provisioned.tableName,
        shards: config.table,
        queueUrls,
        retentionDays: config.retentionDays,
        maxBodyBytes: config.maxBodyBytes,
        payloads,
      });
      const realProcessor = wireProcessorHandler({
        catalog,
        documentClient,
        sqsClient,
        tableName: provisioned.tableName,
        shards: config.table,
        jobName: JOB,
        queueUrl: queue.queueUrl,
        deadLetterQueueUrl: queue.deadLetterQueueUrl,
        retentionDays: config.retentionDays,
        payloads,
      });
      const bare = { documentClient, sqsClient, tableName: provisioned.tableName, queueUrl: queue.queueUrl };
      const bareSubmitJob = bareSubmit(bare);
      const bareProcessor = batchHandler(bareProcessRecord(bare));
      const identity = queueIdentity(queue.queueArn);
      const context = () =>
        lambdaContext({
          functionName: 'bench-processor',
          timeoutMs: 30_000,
          memoryLimitInMB: 512,
          queue: identity,
        });

      let counter = 0;
      const submitHalf = {
        real: () =>
          cpuOf(async () => {
            for (let i = 0; i < submitsPerHalf; i++) {
              const response = await realSubmit(submitEvent(counter++));
              if (response.statusCode !== 202) throw new Error(`submit answered ${response.statusCode}`);
            }
          }),
        bare: () =>
          cpuOf(async () => {
            for (let i = 0; i < submitsPerHalf; i++)
              await bareSubmitJob(JOB, { n: counter++, text: 'benchmark input' });
          }),
      };
      /** Queued jobs (made by the real submit handler, not timed) as batches of SQS records. */
      const freshBatches = async (): Promise<SQSEvent[]> => {
        const ids: string[] = [];
        await pool(batchesPerHalf * RECORDS_PER_BATCH, 8, async (index) => {
          const response = await realSubmit(submitEvent(index));
          ids.push((JSON.parse(response.body) as { id: string }).id);
        });
        const records = ids.map((id, index) => {
          const message: Message = {
            MessageId: `bench-${id}`,
            ReceiptHandle: `bench-${index}`,
            Body: JSON.stringify({ id, name: JOB }),
            Attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()) },
          };
          return toSqsRecord(message, identity);
        });
        return Array.from({ length: batchesPerHalf }, (_, b) => ({
          Records: records.slice(b * RECORDS_PER_BATCH, (b + 1) * RECORDS_PER_BATCH),
        }));
      };
      const processHalf = {
        real: async () => {
          const batches = await freshBatches();
          return cpuOf(async () => {
            for (const event of batches) {
              const response = await realProcessor(event, context());
              if (response.batchItemFailures.length > 0) throw new Error('the real processor failed records');
            }
          });
        },
        bare: async () => {
          const batches = await freshBatches();
          return cpuOf(async () => {
            for (const event of batches) {
              const response = await bareProcessor(event);
              if (response.batchItemFailures.length > 0) throw new Error('the bare processor failed records');
            }
          });
        },
      };

      const measure = async (
        name: string,
        halves: { real: () => Promise<number>; bare: () => Promise<number> },
      ) => {
        const pairs: Pair[] = [];
        let logBytes = 0;
        for (let round = -warmup; round < rounds; round++) {
          show.update(`[overhead] ${name}: ${round < 0 ? 'warm-up' : `round ${round + 1}/${rounds}`}`);
          const order = round % 2 === 0 ? (['real', 'bare'] as const) : (['bare', 'real'] as const);
          const cpu: Record<string, number> = {};
          for (const kind of order) {
            stdout.take();
            cpu[kind] = await halves[kind]();
            if (kind === 'real' && round >= 0) logBytes += stdout.take();
          }
          if (round >= 0) pairs.push({ real: cpu.real as number, bare: cpu.bare as number });
        }
        return { pairs, logBytes };
      };

      const submit = await measure('submit', submitHalf);
      const processor = await measure('processor', processHalf);
      show.done();
      const summarise = (pairs: readonly Pair[], jobsPerHalf: number, logBytes: number) => {
        const ratios = pairs.map((p) => p.real / p.bare);
        return {
          realCpuUsPerJob: round(median(pairs.map((p) => p.real)) / jobsPerHalf, 1),
          bareCpuUsPerJob: round(median(pairs.map((p) => p.bare)) / jobsPerHalf, 1),
          ratioMedian: round(median(ratios), 3),
          ratioQuartiles: [round(percentile(ratios, 25), 3), round(percentile(ratios, 75), 3)],
          ratios: ratios.map((r) => round(r, 3)),
          logBytesPerJob: round(logBytes / (pairs.length * jobsPerHalf), 0),
        };
      };
      const submitFigures = summarise(submit.pairs, submitsPerHalf, submit.logBytes);
      const processorFigures = summarise(
        processor.pairs,
        batchesPerHalf * RECORDS_PER_BATCH,
        processor.logBytes,
      );
      const line = (name: string, f: ReturnType<typeof summarise>) =>
        `${name.padEnd(9)} ${f.realCpuUsPerJob} us/job vs bare ${f.bareCpuUsPerJob} us/job = ` +
        `${times(f.ratioMedian)} (median of ${f.ratios.length} paired rounds, quartiles ` +
        `${f.ratioQuartiles.join('-')}; logs+EMF ${f.logBytesPerJob} B/job)`;
      return {
        settings: {
          rounds,
          warmup,
          submitsPerHalf,
          batchesPerHalf,
          recordsPerBatch: RECORDS_PER_BATCH,
          dynamodb: dynamodb.kind,
          sqs: 'fauxqs 1.9.2 (child process)',
        },
        figures: { submit: submitFigures, processor: processorFigures },
        summary: [line('submit', submitFigures), line('processor', processorFigures)],
        targets: [
          {
            name: 'submit handler CPU / bare',
            value: submitFigures.ratioMedian,
            target: '<= 1.3',
            ok: submitFigures.ratioMedian <= 1.3,
            unit: 'x',
          },
          {
            name: 'processor handler CPU / bare',
            value: processorFigures.ratioMedian,
            target: '<= 1.3',
            ok: processorFigures.ratioMedian <= 1.3,
            unit: 'x',
          },
        ],
      };
    } finally {
      stdout.restore();
      show.done();
      await Promise.all([dynamodb.stop(), sqs.stop()]);
    }
  },
};

if (require.main === module) runAsMain(handlerOverhead);
