/**
 * Benchmark 5, the local console: how soon its jobs table first shows with many jobs stored,
 * and what its live view (polling every 1-5 s while visible) costs the local system under load.
 *
 *   paint  N jobs are written to the job table as the submit and processor handlers leave them
 *          (Completed, one caller), through the DynamoDB job store; then chromium loads `/`
 *          `paints` times. A paint is the page's own clock from navigation start to the first
 *          row of the jobs table. Side by side: the same on an empty table.
 *   cpu    the throughput workload (`jobs` echo jobs over HTTP, 16 clients, until the event
 *          source deleted every message), alternately with no page and with the console open
 *          in chromium. Cost: CPU seconds of this process and its children (DynamoDB Local's
 *          JVM) over the run, chromium's own process tree excluded (it is the client).
 *
 *   idle   the console's own cost without the workload's noise: CPU per second of the idle system
 *          with and without the page open (`idle` seconds each, alternating), against the system's
 *          CPU per second under the workload.
 *
 *   npm run bench -- --only console [--quick] [--stored N] [--paints P] [--jobs J] [--runs R] [--idle S]
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';
import { DynamoDbJobStore } from '../lambdas/adapters/dynamodb-job-store';
import type { Job } from '../lambdas/core/job';
import type { LocalSystem } from '../local/local-system';
import { launchBrowser } from '../test/console/browser';
import { ownDocumentClient, pool, startBenchSystem, submitOverHttp, waitFor } from './support/local';
import { runAsMain } from './support/main';
import { progress } from './support/progress';
import { type Benchmark, setting } from './support/report';
import { median, round } from './support/stats';

const CALLER = 'local-user';
const PAINT_TARGET_MS = 1_000;
/** The User Timing mark the jobs table sets when it first shows rows (local/console/static/jobs-table.mjs). */
const PAINTED_MARK = 'console:jobs-table-painted';
const CPU_TARGET_PERCENT = 5;

/** Writes `count` Completed echo jobs of {@link CALLER}, as the handlers leave them. */
async function storeJobs(system: LocalSystem, count: number, onDone: (n: number) => void): Promise<void> {
  const store = new DynamoDbJobStore(
    ownDocumentClient(system.dynamodb.endpoint),
    system.provisioned.tableName,
    {
      shards: system.config.table,
    },
  );
  const start = Date.now() - count * 1_000;
  await pool(
    count,
    16,
    (i) => {
      const created = new Date(start + i * 1_000).toISOString();
      const done = new Date(start + i * 1_000 + 40).toISOString();
      const job: Job = {
        id: crypto.randomUUID(),
        name: 'echo',
        status: 'Completed',
        owner: CALLER,
        input: { n: i },
        result: { n: i },
        retryCount: 0,
        maxRetries: 3,
        attempt: 1,
        createdAt: created,
        startedAt: created,
        completedAt: done,
        lastUpdatedAt: done,
        requestHash: `bench-${i}`,
        expiresAt: Math.floor(Date.now() / 1000) + 86_400,
        version: 2,
        history: [{ attempt: 1, startedAt: created, endedAt: done, outcome: 'completed' }],
      };
      return store.create(job);
    },
    onDone,
  );
}

/** Milliseconds from navigation start to the jobs table's first rows, by the page's clock. */
async function firstPaint(browser: Browser, url: string): Promise<number> {
  const page = await browser.newPage();
  try {
    await page.setViewport({ width: 1360, height: 900 });
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    // The page marks its first rows itself: the figure excludes this side's polling delay.
    const mark = `performance.getEntriesByName('${PAINTED_MARK}')[0]?.startTime`;
    await page.waitForFunction(`${mark} !== undefined`, { timeout: 30_000, polling: 50 });
    return Number(await page.evaluate(mark));
  } finally {
    await page.close();
  }
}

/** Milliseconds of one `GET /jobs?limit=20` (the table's first page), from this process. */
async function listOnce(url: string): Promise<number> {
  const t0 = performance.now();
  const response = await fetch(`${url}/jobs?limit=20`);
  await response.text();
  if (response.status !== 200) throw new Error(`GET /jobs answered ${response.status}`);
  return performance.now() - t0;
}

/** CPU seconds (user + system) used so far by `root` and its descendants, minus `exclude`'s tree. Linux only. */
function treeCpuSeconds(root: number, exclude?: number): number {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start at state (field 3).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended while we read.
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parents.get(p)) {
      if (p === exclude) return false;
      if (p === root) return true;
    }
    return false;
  };
  let total = 0;
  for (const [pid, t] of ticks) if (inTree(pid)) total += t;
  return total / 100; // USER_HZ is 100 on Linux.
}

/** The console benchmark (`--only console`). */
export const consolePage: Benchmark = {
  name: 'console',
  title: 'Local console: first paint with many jobs stored, and the live view CPU cost',
  async run(options) {
    const stored = setting(options, 'stored', 10_000, 1_000);
    const paints = setting(options, 'paints', 7, 3);
    const jobs = setting(options, 'jobs', 500, 150);
    const runs = setting(options, 'runs', 3, 1);
    const idleSeconds = setting(options, 'idle', 15, 5);
    const show = progress();
    const system = await startBenchSystem();
    const browser = await launchBrowser();
    try {
      const source = system.eventSources.echo;
      if (!source) throw new Error('No echo job type');
      // Each paint, then one list call alone: how much of a paint the API's own read is.
      const paintsOf = async (label: string) => {
        const all = { paints: [] as number[], lists: [] as number[] };
        for (let i = 0; i < paints; i++) {
          show.update(`[console] first paint, ${label}: ${i + 1}/${paints}`);
          all.paints.push(await firstPaint(browser, `${system.url}/`));
          all.lists.push(await listOnce(system.url));
        }
        return all;
      };
      // One job, so the table has a row to paint; then the store filled.
      await submitOverHttp(system.url, 'echo', 1, 1, () => ({ n: 0 }));
      const emptyPaints = await paintsOf('1 job');
      await storeJobs(system, stored, (n) => show.update(`[console] storing jobs: ${n}/${stored}`));
      const storedPaints = await paintsOf(`${stored} jobs`);

      const browserPid = browser.process()?.pid;
      const cpuRun = async (withPage: boolean, label: string) => {
        const page = withPage ? await browser.newPage() : undefined;
        if (page) {
          await page.setViewport({ width: 1360, height: 900 });
          await page.goto(`${system.url}/`, { waitUntil: 'load' });
        }
        try {
          const before = source.stats.messagesDeleted;
          const cpu0 = treeCpuSeconds(process.pid, browserPid);
          const t0 = performance.now();
          await submitOverHttp(system.url, 'echo', jobs, 16, (n) => ({ n }));
          await waitFor(
            () => source.stats.messagesDeleted - before,
            jobs,
            (done) => show.update(`[console] ${label}: ${done}/${jobs}`),
          );
          return {
            cpuSeconds: treeCpuSeconds(process.pid, browserPid) - cpu0,
            seconds: (performance.now() - t0) / 1000,
          };
        } finally {
          await page?.close();
        }
      };
      await cpuRun(false, 'warm-up');
      const without: { cpuSeconds: number; seconds: number }[] = [];
      const withPage: { cpuSeconds: number; seconds: number }[] = [];
      for (let r = 0; r < runs; r++) {
        // Alternating which goes first, so a drift in machine load hits both alike.
        const order = r % 2 === 0 ? [false, true] : [true, false];
        for (const open of order) {
          const result = await cpuRun(open, `run ${r + 1}/${runs}, ${open ? 'console open' : 'no page'}`);
          (open ? withPage : without).push(result);
        }
      }
      // The console's own cost, without the workload's noise: CPU over `idleSeconds` of an idle
      // system, with and without the page open (alternating), as a rate.
      const idleRate = async (open: boolean, label: string) => {
        const page = open ? await browser.newPage() : undefined;
        try {
          if (page) {
            await page.setViewport({ width: 1360, height: 900 });
            await page.goto(`${system.url}/`, { waitUntil: 'load' });
          }
          show.update(`[console] idle, ${label}`);
          const cpu0 = treeCpuSeconds(process.pid, browserPid);
          await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
          return (treeCpuSeconds(process.pid, browserPid) - cpu0) / idleSeconds;
        } finally {
          await page?.close();
        }
      };
      const idleWithout: number[] = [];
      const idleWith: number[] = [];
      for (let r = 0; r < runs; r++) {
        const order = r % 2 === 0 ? [false, true] : [true, false];
        for (const open of order) {
          const rate = await idleRate(open, `${r + 1}/${runs}, ${open ? 'console open' : 'no page'}`);
          (open ? idleWith : idleWithout).push(rate);
        }
      }
      show.done();

      const paintEmpty = round(median(emptyPaints.paints), 0);
      const paintStored = round(median(storedPaints.paints), 0);
      const listEmpty = round(median(emptyPaints.lists), 0);
      const listStored = round(median(storedPaints.lists), 0);
      const cpuWithout = median(without.map((r) => r.cpuSeconds));
      const cpuWith = median(withPage.map((r) => r.cpuSeconds));
      const extraPercent = round(((cpuWith - cpuWithout) / cpuWithout) * 100, 1);
      // The console's CPU per second, against the system's CPU per second under the workload.
      const consoleRate = median(idleWith) - median(idleWithout);
      const workloadRate = median(without.map((r) => r.cpuSeconds / r.seconds));
      const derivedPercent = round((consoleRate / workloadRate) * 100, 1);
      return {
        settings: { stored, paints, jobs, runs, idleSeconds, clients: 16, dynamodb: system.dynamodb.kind },
        figures: {
          firstPaintMs: {
            oneJob: emptyPaints.paints.map((v) => round(v, 0)),
            stored: storedPaints.paints.map((v) => round(v, 0)),
          },
          listMs: {
            oneJob: emptyPaints.lists.map((v) => round(v, 0)),
            stored: storedPaints.lists.map((v) => round(v, 0)),
          },
          cpuSeconds: {
            noPage: without.map((r) => round(r.cpuSeconds, 2)),
            consoleOpen: withPage.map((r) => round(r.cpuSeconds, 2)),
          },
          idleCpuPerSecond: {
            noPage: idleWithout.map((v) => round(v, 3)),
            consoleOpen: idleWith.map((v) => round(v, 3)),
          },
          runSeconds: {
            noPage: without.map((r) => round(r.seconds, 2)),
            consoleOpen: withPage.map((r) => round(r.seconds, 2)),
          },
        },
        summary: [
          `first paint of the jobs table: ${paintEmpty} ms with 1 job, ${paintStored} ms with ${stored} stored (median of ${paints})`,
          `GET /jobs?limit=20 alone: ${listEmpty} ms with 1 job, ${listStored} ms with ${stored} stored`,
          `console open on an idle system: +${round(consoleRate, 3)} CPU s/s, ${derivedPercent} % of the system's ${round(workloadRate, 2)} CPU s/s under the workload`,
          `CPU per ${jobs}-job throughput run: ${round(cpuWithout, 2)} s with no page, ${round(cpuWith, 2)} s with the console open (${extraPercent >= 0 ? '+' : ''}${extraPercent} %, median of ${runs})`,
        ],
        targets: [
          {
            name: `first paint, ${stored} jobs stored`,
            value: paintStored,
            unit: 'ms',
            target: `< ${PAINT_TARGET_MS}`,
            ok: paintStored < PAINT_TARGET_MS,
          },
          {
            name: 'live view CPU (idle, with vs without page) / system CPU under throughput',
            value: derivedPercent,
            unit: '%',
            target: `< ${CPU_TARGET_PERCENT}`,
            ok: derivedPercent < CPU_TARGET_PERCENT,
          },
          {
            name: 'live view extra CPU under throughput (paired runs, noisy)',
            value: extraPercent,
            unit: '%',
            target: `< ${CPU_TARGET_PERCENT}`,
            ok: extraPercent < CPU_TARGET_PERCENT,
          },
        ],
      };
    } finally {
      await browser.close();
      await system.stop();
    }
  },
};

if (require.main === module) runAsMain(consolePage);
