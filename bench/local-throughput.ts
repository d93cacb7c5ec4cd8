/**
 * Benchmark 4, local throughput: end-to-end jobs/s and submit latency (p50, p99) of the local
 * system at rising client concurrency, versus the raw emulator calls alone at the same
 * concurrency: the ceiling the emulators impose.
 *
 *   system  C HTTP clients POST echo jobs -> API server -> submit handler (PutItem, SendMessage)
 *           -> event source (Receive, DeleteBatch) -> processor (UpdateItem claim, PutItem outcome)
 *   raw     C workers call PutItem + SendMessage directly -> the same event source emulator ->
 *           a bare handler (UpdateItem, PutItem), on a queue of its own
 *
 * A run's clock starts at the first submit and stops when the event source has deleted every
 * job's message (no status polling, so both sides make the same calls). At each concurrency
 * the two alternate run by run (system first, then raw first, ...); figures are medians.
 *
 *   npm run bench -- --only throughput [--quick] [--jobs N] [--runs R]
 *   LOCAL_DYNAMODB=dynalite npm run bench:local    (this benchmark alone, on dynalite)
 */
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { startEventSource } from '../local/event-source';
import { bareProcessRecord, bareSubmit, batchHandler } from './support/bare-handlers';
import {
  ownDocumentClient,
  ownSqsClient,
  pool,
  startBenchSystem,
  submitOverHttp,
  waitFor,
} from './support/local';
import { runAsMain } from './support/main';
import { progress } from './support/progress';
import { type Benchmark, setting } from './support/report';
import { median, percentile, round, times } from './support/stats';

const JOB = 'echo';

interface RunFigures {
  readonly jobsPerSecond: number;
  readonly submitP50Ms: number;
  readonly submitP99Ms: number;
}

function figures(jobs: number, seconds: number, latencies: readonly number[]): RunFigures {
  return {
    jobsPerSecond: round(jobs / seconds, 1),
    submitP50Ms: round(percentile(latencies, 50), 1),
    submitP99Ms: round(percentile(latencies, 99), 1),
  };
}

/** The local throughput benchmark (`--only throughput`). */
export const localThroughput: Benchmark = {
  name: 'throughput',
  title: 'Local end-to-end throughput vs the emulator ceiling',
  async run(options) {
    const jobs = setting(options, 'jobs', 500, 150);
    const runs = setting(options, 'runs', 3, 1);
    const levels = options.overrides.clients !== undefined ? [options.overrides.clients] : [4, 16, 64];
    const show = progress();
    const system = await startBenchSystem();
    try {
      const echo = system.config.jobTypes.find((job) => job.name === JOB);
      const source = system.eventSources[JOB];
      if (!echo || !source) throw new Error(`No ${JOB} job type`);

      // The raw pipeline: its own queue, the same event source emulator, bare calls.
      const { QueueUrl: rawUrl } = await system.sqs.client.send(
        new CreateQueueCommand({ QueueName: 'bench-raw' }),
      );
      const { Attributes } = await system.sqs.client.send(
        new GetQueueAttributesCommand({ QueueUrl: rawUrl, AttributeNames: ['QueueArn'] }),
      );
      if (!rawUrl || !Attributes?.QueueArn) throw new Error('Could not create the raw queue');
      const bare = {
        documentClient: ownDocumentClient(system.dynamodb.endpoint),
        sqsClient: ownSqsClient(system.sqs.endpoint),
        tableName: system.provisioned.tableName,
        queueUrl: rawUrl,
      };
      const rawSource = startEventSource({
        client: ownSqsClient(system.sqs.endpoint),
        queueUrl: rawUrl,
        queueArn: Attributes.QueueArn,
        batchSize: echo.settings.batchSize,
        maxBatchingWindowMs: echo.settings.maxBatchingWindowSeconds * 1000,
        maxConcurrency: echo.settings.maxConcurrency,
        functionTimeoutMs: echo.settings.timeoutSeconds * 1000,
        functionName: 'bench-raw-consumer',
        handler: batchHandler(bareProcessRecord(bare)),
      });
      const submitRaw = bareSubmit(bare);

      const runSystem = async (clients: number, label: string): Promise<RunFigures> => {
        const before = source.stats.messagesDeleted;
        const t0 = performance.now();
        let submitted = 0;
        const status = (done: number) => {
          const rate = done / ((performance.now() - t0) / 1000);
          show.update(
            `${label}: submitted ${submitted}/${jobs}, done ${done}/${jobs}, ${rate.toFixed(1)} jobs/s`,
          );
        };
        const { latenciesMs } = await submitOverHttp(
          system.url,
          JOB,
          jobs,
          clients,
          (n) => ({ n }),
          (n) => {
            submitted = n;
          },
        );
        await waitFor(() => source.stats.messagesDeleted - before, jobs, status);
        return figures(jobs, (performance.now() - t0) / 1000, latenciesMs);
      };
      const runRaw = async (clients: number, label: string): Promise<RunFigures> => {
        const before = rawSource.stats.messagesDeleted;
        const t0 = performance.now();
        let submitted = 0;
        const status = (done: number) => {
          const rate = done / ((performance.now() - t0) / 1000);
          show.update(
            `${label}: submitted ${submitted}/${jobs}, done ${done}/${jobs}, ${rate.toFixed(1)} jobs/s`,
          );
        };
        const latenciesMs = await pool(
          jobs,
          clients,
          (n) => submitRaw(JOB, { n }),
          (n) => {
            submitted = n;
          },
        );
        await waitFor(() => rawSource.stats.messagesDeleted - before, jobs, status);
        return figures(jobs, (performance.now() - t0) / 1000, latenciesMs);
      };

      // Warm-up: JIT of both processes (V8 and DynamoDB Local's JVM), not recorded.
      const warm = Math.min(100, jobs);
      show.update('[throughput] warm-up');
      await submitOverHttp(system.url, JOB, warm, 8, (n) => ({ n }));
      await pool(warm, 8, (n) => submitRaw(JOB, { n }));
      await waitFor(() => rawSource.stats.messagesDeleted, warm);

      const byLevel: Record<string, unknown> = {};
      const ratios: number[] = [];
      const summary: string[] = [];
      for (const clients of levels) {
        const system_: RunFigures[] = [];
        const raw: RunFigures[] = [];
        for (let run = 0; run < runs; run++) {
          const label = (kind: string) => `[throughput] ${clients} clients, run ${run + 1}/${runs}, ${kind}`;
          const order = run % 2 === 0 ? (['system', 'raw'] as const) : (['raw', 'system'] as const);
          for (const kind of order) {
            if (kind === 'system') system_.push(await runSystem(clients, label('system')));
            else raw.push(await runRaw(clients, label('raw')));
          }
        }
        const med = (list: RunFigures[], key: keyof RunFigures) => round(median(list.map((r) => r[key])), 1);
        const level = {
          system: {
            jobsPerSecond: med(system_, 'jobsPerSecond'),
            submitP50Ms: med(system_, 'submitP50Ms'),
            submitP99Ms: med(system_, 'submitP99Ms'),
            runs: system_,
          },
          raw: {
            jobsPerSecond: med(raw, 'jobsPerSecond'),
            submitP50Ms: med(raw, 'submitP50Ms'),
            submitP99Ms: med(raw, 'submitP99Ms'),
            runs: raw,
          },
        };
        const ratio = round(level.system.jobsPerSecond / level.raw.jobsPerSecond, 3);
        ratios.push(ratio);
        byLevel[String(clients)] = { ...level, ratio };
        summary.push(
          `${String(clients).padStart(3)} clients: ${level.system.jobsPerSecond} jobs/s ` +
            `(submit p50 ${level.system.submitP50Ms} ms, p99 ${level.system.submitP99Ms} ms) vs raw ` +
            `${level.raw.jobsPerSecond} jobs/s (p50 ${level.raw.submitP50Ms} ms, p99 ${level.raw.submitP99Ms} ms) = ${times(ratio)}`,
        );
      }
      show.done();
      await rawSource.stop();
      const worst = Math.min(...ratios);
      return {
        settings: {
          jobs,
          runs,
          levels,
          dynamodb: system.dynamodb.kind,
          sqs: system.sqs.name,
          batchSize: echo.settings.batchSize,
          maxConcurrency: echo.settings.maxConcurrency,
        },
        figures: { levels: byLevel },
        summary,
        targets: [
          {
            name: 'system / raw emulator calls, worst level',
            value: worst,
            target: '>= 0.5',
            ok: worst >= 0.5,
            unit: 'x',
          },
        ],
      };
    } finally {
      show.done();
      await system.stop();
    }
  },
};

if (require.main === module) runAsMain(localThroughput);
