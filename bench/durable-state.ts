/**
 * Benchmark 5, durable local state (`--only durable`): what keeping the state on disk costs.
 *
 *   start-up    startLocalSystem to ready: in memory (as before), on an empty data folder, and
 *               on a folder holding N stored (finished) jobs; runs alternate, figures are medians
 *   restart     P echo jobs to all terminal, counted from the start call: a fresh start that
 *               then submits them, versus a start on a folder holding them Queued (their
 *               messages lost with the old process, so the boot recovery re-enqueues them)
 *   throughput  J echo jobs at C clients, jobs/s: in memory versus on a data folder
 *
 *   npm run bench -- --only durable [--quick] [--runs R] [--stored N] [--pending P] [--jobs J]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDbJobStore } from '../lambdas/adapters/dynamodb-job-store';
import type { Job } from '../lambdas/core/job';
import { loadLocalConfig } from '../local/local-config';
import { type LocalSystem, startLocalSystem } from '../local/local-system';
import { dynamoDbChoice, pool, submitOverHttp, waitFor } from './support/local';
import { runAsMain } from './support/main';
import { progress } from './support/progress';
import { type Benchmark, setting } from './support/report';
import { median, round, times } from './support/stats';

const JOB = 'echo';

/** Starts a quiet system (no sweeper timer), in memory or on `dataDir`. */
function start(dataDir?: string, fresh = false): Promise<LocalSystem> {
  return startLocalSystem({
    config: loadLocalConfig(),
    port: 0,
    dynamodb: dynamoDbChoice(),
    sweepIntervalMs: 0,
    ...(dataDir ? { dataDir, fresh } : {}),
    onError: (error) => console.error('event source error:', error),
  });
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

/** Waits until the echo event source has deleted `count` more messages than `before`. */
function echoDone(system: LocalSystem, before: number, count: number): Promise<void> {
  const source = system.eventSources[JOB];
  if (!source) throw new Error(`No ${JOB} event source`);
  return waitFor(() => source.stats.messagesDeleted - before, count);
}

/** A folder holding `count` Completed jobs, written through the job store (16 at a time). */
async function seed(dataDir: string, count: number, onDone: (n: number) => void): Promise<void> {
  const system = await start(dataDir, true);
  try {
    const { ids } = await submitOverHttp(system.url, JOB, 1, 1, () => ({ seed: 0 }));
    await echoDone(system, 0, 1);
    const store = new DynamoDbJobStore(system.dynamodb.documentClient, system.provisioned.tableName);
    const template = (await store.get(String(ids[0]))) as Job;
    await pool(
      count - 1,
      16,
      (n) => store.create({ ...template, id: randomUUID(), input: { seed: n + 1 }, result: { seed: n + 1 } }),
      onDone,
    );
  } finally {
    await system.stop();
  }
}

/** A folder holding `count` Queued echo jobs whose messages were lost with their process. */
async function leaveQueued(dataDir: string, count: number, clients: number): Promise<void> {
  const system = await start(dataDir, true);
  try {
    await system.eventSources[JOB]?.stop();
    await submitOverHttp(system.url, JOB, count, clients, (n) => ({ n }));
  } finally {
    await system.stop();
  }
}

/** The durable-state benchmark (`--only durable`). */
export const durableState: Benchmark = {
  name: 'durable',
  title: 'Durable local state: start-up, restart recovery and throughput',
  async run(options) {
    const runs = setting(options, 'runs', 3, 1);
    const stored = setting(options, 'stored', 10_000, 1_000);
    const pending = setting(options, 'pending', 1_000, 200);
    const jobs = setting(options, 'jobs', 500, 150);
    const clients = setting(options, 'clients', 16, 16);
    const show = progress();
    const root = mkdtempSync(path.join(tmpdir(), 'bench-durable-'));
    const dir = (name: string) => path.join(root, name);
    try {
      show.update(`[durable] seeding ${stored} stored jobs`);
      await seed(dir('stored'), stored, (n) => show.update(`[durable] seeding: ${n + 1}/${stored}`));

      // Start-up: the three kinds alternate within each run.
      const startup = { memory: [] as number[], empty: [] as number[], stored: [] as number[] };
      let foundStored = 0;
      for (let run = 0; run < runs; run++) {
        for (const kind of ['memory', 'empty', 'stored'] as const) {
          show.update(`[durable] start-up run ${run + 1}/${runs}: ${kind}`);
          const { ms, value: system } = await timed(() =>
            kind === 'memory' ? start() : start(dir(kind), kind === 'empty'),
          );
          if (kind === 'stored') foundStored = (await system.durable?.inventory)?.found.total ?? 0;
          startup[kind].push(ms);
          await system.stop();
        }
      }
      if (foundStored !== stored)
        throw new Error(`The stored folder held ${foundStored} jobs, not ${stored}`);

      // Restart recovery versus a fresh start of the same jobs.
      const restart = { fresh: [] as number[], restart: [] as number[] };
      for (let run = 0; run < runs; run++) {
        show.update(`[durable] restart run ${run + 1}/${runs}: fresh start + ${pending} submits`);
        const fresh = await timed(async () => {
          const system = await start(dir('fresh'), true);
          await submitOverHttp(system.url, JOB, pending, clients, (n) => ({ n }));
          await echoDone(system, 0, pending);
          return system;
        });
        await fresh.value.stop();
        restart.fresh.push(fresh.ms);
        show.update(`[durable] restart run ${run + 1}/${runs}: leaving ${pending} Queued jobs`);
        await leaveQueued(dir('queued'), pending, clients);
        show.update(`[durable] restart run ${run + 1}/${runs}: restart`);
        let recovered = 0;
        const { ms, value: system } = await timed(async () => {
          const system = await start(dir('queued'));
          recovered = system.durable?.recovered.requeued ?? 0;
          await echoDone(system, 0, pending);
          return system;
        });
        await system.stop();
        if (recovered !== pending)
          throw new Error(`The restart re-enqueued ${recovered} jobs, not ${pending}`);
        restart.restart.push(ms);
      }

      // Throughput, in memory and on a data folder, alternating which goes first.
      const throughput = { memory: [] as number[], durable: [] as number[] };
      for (let run = 0; run < runs; run++) {
        const order = run % 2 === 0 ? (['memory', 'durable'] as const) : (['durable', 'memory'] as const);
        for (const kind of order) {
          show.update(`[durable] throughput run ${run + 1}/${runs}: ${kind}`);
          const system = kind === 'memory' ? await start() : await start(dir('throughput'), true);
          try {
            // Warm-up: JIT of both processes, not recorded.
            await submitOverHttp(system.url, JOB, 100, 8, (n) => ({ n }));
            await echoDone(system, 0, 100);
            const { ms } = await timed(async () => {
              await submitOverHttp(system.url, JOB, jobs, clients, (n) => ({ n }));
              await echoDone(system, 100, jobs);
            });
            throughput[kind].push(jobs / (ms / 1000));
          } finally {
            await system.stop();
          }
        }
      }
      show.done();

      const s = (values: number[]) => round(median(values) / 1000, 2);
      const startupRatio = round(median(startup.stored) / median(startup.memory), 3);
      const restartRatio = round(median(restart.restart) / median(restart.fresh), 3);
      const throughputRatio = round(median(throughput.durable) / median(throughput.memory), 3);
      const perRun = (values: number[], f = (v: number) => round(v / 1000, 2)) => values.map(f);
      return {
        settings: { runs, stored, pending, jobs, clients, dynamodb: dynamoDbChoice() },
        figures: {
          startupSeconds: {
            memory: perRun(startup.memory),
            empty: perRun(startup.empty),
            stored: perRun(startup.stored),
          },
          restartSeconds: { fresh: perRun(restart.fresh), restart: perRun(restart.restart) },
          throughputJobsPerSecond: {
            memory: perRun(throughput.memory, (v) => round(v, 1)),
            durable: perRun(throughput.durable, (v) => round(v, 1)),
          },
        },
        summary: [
          `start to ready: in memory ${s(startup.memory)} s, empty folder ${s(startup.empty)} s, ` +
            `${stored} stored jobs ${s(startup.stored)} s (${times(startupRatio)} of in memory)`,
          `${pending} unfinished jobs to terminal: fresh start + submits ${s(restart.fresh)} s, ` +
            `restart + recovery ${s(restart.restart)} s (${times(restartRatio)})`,
          `throughput at ${clients} clients: in memory ${round(median(throughput.memory), 1)} jobs/s, ` +
            `durable ${round(median(throughput.durable), 1)} jobs/s (${times(throughputRatio)})`,
        ],
        targets: [
          {
            name: `start to ready with ${stored} stored jobs / in memory`,
            value: startupRatio,
            target: '<= 1.0',
            ok: startupRatio <= 1,
            unit: 'x',
          },
          {
            name: `restart with ${pending} unfinished jobs / fresh start, to all terminal`,
            value: restartRatio,
            target: '<= 1.10',
            ok: restartRatio <= 1.1,
            unit: 'x',
          },
          {
            name: 'throughput durable / in memory',
            value: throughputRatio,
            target: '>= 0.95',
            ok: throughputRatio >= 0.95,
            unit: 'x',
          },
        ],
      };
    } finally {
      show.done();
      rmSync(root, { recursive: true, force: true });
    }
  },
};

if (require.main === module) runAsMain(durableState);
