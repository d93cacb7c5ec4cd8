/**
 * Makes the console screenshot in the docs (`npm run docs:screenshot`): starts a real local
 * system with the EMF metrics collector, runs jobs of every catalog type for a little over two
 * minutes (so each chart has a few minutes of data), leaves a few jobs running, queued, failed
 * and canceled, opens a running job's view in headless chromium and saves the page as
 * docs/images/console.png. Takes about three and a half minutes.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadLocalConfig } from '../local/local-config';
import { startLocalSystem } from '../local/local-system';
import type { MetricsSource } from '../local/metrics/snapshot';
import { startObservability } from '../local/observability/local-observability';
import { launchBrowser } from './support/chromium';
import { catalogWithSteppedSleep } from './support/stepped-sleep';

const OUTPUT = path.join(__dirname, '..', 'docs', 'images', 'console.png');
const VIEWPORT = { width: 1280, height: 1080 } as const;
/** The README's budget for the image. */
const MAX_BYTES = 300_000;
/** How long the load runs: three or four minutes of data, whatever the start's second. */
const LOAD_MS = 140_000;
/** The charts' window: the collector keeps an hour, in which two minutes would be a dot. */
const CHART_MINUTES = 5;
/** Waits in the page, generous for a loaded 2-core machine. */
const WAIT = { timeout: 60_000, polling: 200 } as const;

/** The collector's minutes, the last `minutes` of them (the numbers are untouched). */
function lastMinutes(source: MetricsSource, minutes: number): MetricsSource {
  return {
    snapshot() {
      const snapshot = source.snapshot();
      const oldest = (Math.floor(Date.parse(snapshot.generatedAt) / 60_000) - (minutes - 1)) * 60_000;
      const buckets = snapshot.buckets.filter((bucket) => Date.parse(bucket.minute) >= oldest);
      return { ...snapshot, windowMinutes: minutes, buckets };
    },
  };
}

function log(message: string): void {
  process.stdout.write(`[screenshot] ${message}\n`);
}

async function main(): Promise<void> {
  // Only this script's own lines on the terminal; the EMF lines go to the collector.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const observability = startObservability({ collectMetrics: true });
  const collector = observability.metrics;
  if (!collector) throw new Error('The metrics collector did not start');
  const system = await startLocalSystem({
    port: 0,
    config: loadLocalConfig({
      jobTypes: { sleep: { maxConcurrency: 2, reservedConcurrency: 2, batchSize: 1 } },
    }),
    jobTypes: catalogWithSteppedSleep(10),
    metrics: lastMinutes(collector, CHART_MINUTES),
  });
  const browser = await launchBrowser();
  try {
    log(`local system at ${system.url}`);
    const submit = async (name: string, input: object): Promise<string> => {
      const response = await fetch(`${system.url}/jobs/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      if (response.status !== 202) throw new Error(`POST /jobs/${name}: ${response.status}`);
      return ((await response.json()) as { id: string }).id;
    };
    const status = async (id: string): Promise<string> =>
      ((await (await fetch(`${system.url}/jobs/${id}`)).json()) as { status: string }).status;
    const cancel = (id: string) => fetch(`${system.url}/jobs/${id}`, { method: 'DELETE' });
    const until = async (id: string, wanted: string): Promise<void> => {
      for (let tries = 0; (await status(id)) !== wanted; tries += 1) {
        if (tries > 300) throw new Error(`job ${id} never reached ${wanted}`);
        await delay(200);
      }
    };

    // The load: a wave every 3 s whose size swings, so the lines are not flat.
    const loadEnd = Date.now() + LOAD_MS;
    for (let wave = 0; Date.now() < loadEnd; wave += 1) {
      const size = 3 + Math.round(3 * Math.sin(wave / 5)) + (wave % 3);
      const jobs = Array.from({ length: size }, (_, i) => submit('echo', { wave, i }));
      if (wave % 2 === 0) jobs.push(submit('sleep', { ms: 300 + (wave % 7) * 150 }));
      if (wave % 3 === 0) jobs.push(submit('flaky', { failTimes: 1 }));
      if (wave % 5 === 0) jobs.push(submit('fail', { permanent: true }));
      await Promise.all(jobs);
      if (wave % 10 === 0) log(`wave ${wave}, ${Math.round((loadEnd - Date.now()) / 1000)} s of load left`);
      await delay(3_000);
    }

    // The newest rows: one of each status, and a running job to open.
    await submit('fail', { permanent: true });
    await submit('flaky', { failTimes: 1 });
    const canceled = await submit('sleep', { ms: 60_000 });
    await until(canceled, 'InProgress');
    await cancel(canceled);
    await until(canceled, 'Canceled');
    await submit('echo', { hello: 'console' });
    const other = await submit('sleep', { ms: 60_000 });
    const shown = await submit('sleep', { ms: 40_000 });
    const queued = await submit('sleep', { ms: 60_000 });
    await until(shown, 'InProgress');

    const page = await browser.newPage();
    await page.setViewport(VIEWPORT);
    await page.goto(system.url, { waitUntil: 'load' });
    // Ten rows leave room for the queues and the charts in the picture.
    await page.waitForSelector('#filter-limit', WAIT);
    await page.select('#filter-limit', '10');
    await page.waitForFunction(`document.querySelectorAll('table.jobs tbody tr').length === 10`, WAIT);
    await page.waitForSelector(`tr[data-id="${shown}"] button`, WAIT);
    await page.click(`tr[data-id="${shown}"] button`);
    // Half way: ten steps of 4 s each.
    await page.waitForFunction(`document.getElementById('job-progress').value >= 50`, WAIT);
    await page.waitForFunction(`document.querySelectorAll('#metrics canvas').length === 3`, WAIT);
    await page.waitForFunction(
      `/[1-9]\\d* submitted/.test(document.getElementById('metrics-summary').textContent)`,
      WAIT,
    );
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: OUTPUT, type: 'png' });
    const bytes = statSync(OUTPUT).size;
    log(`wrote ${path.relative(process.cwd(), OUTPUT)} (${Math.round(bytes / 1024)} KB)`);
    if (bytes > MAX_BYTES) throw new Error(`The screenshot is ${bytes} bytes, over ${MAX_BYTES}`);

    // Stopping waits for running jobs: cancel them first.
    await Promise.all([other, shown, queued].map(cancel));
  } finally {
    await browser.close();
    await system.stop();
    observability.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
