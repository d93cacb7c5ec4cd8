/**
 * The console page in a real browser (chromium via puppeteer-core) against a real local
 * system: a person submits a job and watches it complete, cancels a running one with the
 * keyboard, retries and redrives failed ones, reads the API reference and the metrics charts.
 * Every page must load and work under the server's strict Content-Security-Policy with no
 * console error; screenshots go to test-output/console/.
 *
 * `sleep` here reports progress (4 heartbeats) so the progress bar has something to show. The
 * metrics panel reads the local mode's EMF collector, fed by the jobs these tests run; the page's
 * summary is checked against the collector's own snapshot.
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobMetric } from '../../lambdas/metric-names';
import { loadLocalConfig } from '../../local/local-config';
import { catalogWithSteppedSleep } from '../../scripts/support/stepped-sleep';
import { acceptedId, jobOf, until, useLocalSystem } from '../support/local-e2e';
import { launchBrowser, type WatchedPage, watchedPage } from './browser';
import { expectedSummary, total } from './metrics-summary';

/** Jobs this file submits (the page's and the API's), so the collector must count at least these. */
let submittedHere = 0;

const local = useLocalSystem(() => ({
  config: loadLocalConfig({
    jobTypes: { sleep: { maxConcurrency: 2, reservedConcurrency: 2, batchSize: 1 } },
  }),
  jobTypes: catalogWithSteppedSleep(4),
  // Renewals every 0.5 s: a cancel reaches the running worker within a second.
  leaseMs: 1_500,
  // The real EMF collector; it turns Powertools Metrics on itself (the test run sets them off).
  observe: { collectMetrics: true },
}));

/** Waits in the page: generous, for a loaded 2-core machine. */
const WAIT = { timeout: 30_000, polling: 100 } as const;

let browser: Browser;
let current: WatchedPage | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  const problems = current?.problems ?? [];
  await current?.page.close();
  current = undefined;
  expect(problems).toEqual([]);
});

async function open(path = '/'): Promise<WatchedPage> {
  current = await watchedPage(browser);
  await current.page.goto(`${local.system.url}${path}`, { waitUntil: 'load' });
  return current;
}

/** The text of the jobs table's status cell for `id`, once it equals `status`. */
async function rowStatus(watched: WatchedPage, id: string, status: string): Promise<void> {
  await watched.page.waitForFunction(
    `document.querySelector('tr[data-id="${id}"] .status')?.textContent === ${JSON.stringify(status)}`,
    WAIT,
  );
}

/** The open job view's title, once it ends with `status`. */
async function viewStatus(watched: WatchedPage, status: string): Promise<void> {
  await watched.page.waitForFunction(
    `document.getElementById('job-title')?.textContent?.endsWith(${JSON.stringify(`: ${status}`)})`,
    WAIT,
  );
}

/** The fail job type's dead-letter count in the queues panel, as an in-page expression. */
const DEAD_LETTERS = `document.querySelector('tr[data-queue="fail:normal"] td:nth-child(6)')?.textContent`;

/** The text of the first element `selector` finds ('' when none). */
const text = (watched: WatchedPage, selector: string): Promise<string> =>
  inPage<string>(watched, `document.querySelector(${JSON.stringify(selector)})?.textContent ?? ''`);

/** Evaluates `expression` in the page (strings: the tests type-check without the DOM's types). */
const inPage = <T>(watched: WatchedPage, expression: string): Promise<T> =>
  watched.page.evaluate(expression) as Promise<T>;

describe('the console page', () => {
  it('answers every console path with a strict CSP, nosniff and no caching surprises', async () => {
    for (const path of ['/', '/_console/static/main.mjs', '/_console/api/info', '/_console/nothing']) {
      const response = await fetch(`${local.system.url}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain('unsafe');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('cache-control'), path).toMatch(/no-store|no-cache/);
    }
    expect((await fetch(`${local.system.url}/_console/nothing`)).status).toBe(404);
    expect((await fetch(`${local.system.url}/`, { method: 'POST' })).status).toBe(405);
    // The API is untouched by the console.
    expect((await fetch(`${local.system.url}/health`)).status).toBe(200);
  });

  it('submits a job through the page and shows its progress reach Completed in the job view and the table', async () => {
    const watched = await open();
    const { page } = watched;
    await page.waitForSelector('#submit-name option[value="sleep"]', WAIT);
    await page.select('#submit-name', 'sleep');
    await inPage(watched, `document.getElementById('submit-input').value = '{"ms": 2000}'`);
    await page.click('#submit-form button[type="submit"]');
    submittedHere += 1;

    await page.waitForFunction(`!document.getElementById('job').hidden`, WAIT);
    await page.waitForSelector('#job-fields dd', WAIT);
    const id = await page.$eval('#job-fields dd', (dd) => dd.textContent ?? '');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await page.waitForFunction(`document.getElementById('job-progress').value > 0`, WAIT);
    await watched.screenshot('job-in-progress');
    await viewStatus(watched, 'Completed');
    expect(await inPage(watched, `document.getElementById('job-progress').value`)).toBe(100);
    expect(await text(watched, '#job-progress-text')).toContain('100 % — step 4 of 4');
    expect(JSON.parse(await text(watched, '#job-input'))).toEqual({ ms: 2000 });
    expect(JSON.parse(await text(watched, '#job-outcome'))).toEqual({ sleptMs: 2000 });
    expect(await text(watched, '#job-history')).toContain('completed');
    await rowStatus(watched, id, 'Completed');
    expect(await text(watched, '#announcer')).toMatch(/is now Completed|Submitted sleep/);
    await watched.screenshot('job-completed');
    expect((await jobOf(local.client, id)).status).toBe('Completed');
  });

  it('cancels a running job from the keyboard: Tab to the cancel button, Enter', async () => {
    const id = await acceptedId(local.client, 'sleep', { ms: 60_000 });
    submittedHere += 1;
    const watched = await open();
    const { page } = watched;
    await rowStatus(watched, id, 'InProgress');
    await page.click(`tr[data-id="${id}"] button`);
    await viewStatus(watched, 'InProgress');

    // Opening a job focuses its heading; the cancel button comes next in the tab order.
    expect(await inPage(watched, 'document.activeElement?.id')).toBe('job-title');
    await page.keyboard.press('Tab');
    expect(await inPage(watched, 'document.activeElement?.id')).toBe('job-cancel');
    await page.keyboard.press('Enter');

    await viewStatus(watched, 'Canceled');
    await rowStatus(watched, id, 'Canceled');
    expect(await text(watched, '#job-outcome')).toContain('CANCELED');
    await watched.screenshot('job-canceled');
    expect((await jobOf(local.client, id)).status).toBe('Canceled');
  });

  it('retries a Failed job, and redrives the dead letters of its job type', async () => {
    const id = await acceptedId(local.client, 'fail', { permanent: true });
    submittedHere += 1;
    await until(
      () => jobOf(local.client, id),
      (job) => job.status === 'Failed',
      { timeoutMs: 30_000 },
    );
    const watched = await open();
    const { page } = watched;
    await page.waitForFunction(`${DEAD_LETTERS} === '1'`, WAIT);

    await page.click(`tr[data-id="${id}"] button`);
    await viewStatus(watched, 'Failed');
    expect(await inPage(watched, `document.getElementById('job-retry').hidden`)).toBe(false);
    await page.click('#job-retry');
    await until(
      () => jobOf(local.client, id),
      (job) => job.status === 'Failed' && job.attempt === 2,
      { timeoutMs: 30_000 },
    );
    await page.waitForFunction(`${DEAD_LETTERS} === '2'`, WAIT);
    await watched.screenshot('dead-letters');

    await page.click('tr[data-queue="fail:normal"] button');
    await page.waitForFunction(
      `document.getElementById('announcer').textContent.startsWith('Redrive of fail:')`,
      WAIT,
    );
    // Two copies of one job: one moves it, the other is then stale (or moves it again).
    expect(await text(watched, '#announcer')).toMatch(/^Redrive of fail: [12] moved, [01] stale/);
    const redriven = await until(
      () => jobOf(local.client, id),
      (job) => job.status === 'Failed' && job.attempt >= 3,
      { timeoutMs: 30_000 },
    );
    expect(redriven.history.length).toBeGreaterThanOrEqual(3);
  });

  it('renders the OpenAPI reference with swagger-ui from this server', async () => {
    const watched = await open('/_console/static/reference.html');
    const { page } = watched;
    await page.waitForSelector('.opblock', WAIT);
    const paths = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((n) => n.textContent));
    expect(paths).toEqual(
      expect.arrayContaining(['/jobs/{nameOrId}', '/admin/jobs/{name}/redrive', '/jobs']),
    );
    await watched.screenshot('api-reference');
  });

  it("charts the EMF collector's metrics: the page's summary is the collector's snapshot", async () => {
    const metrics = local.system.metrics;
    if (!metrics) throw new Error('The system was started with the collector on, but has no metrics');
    const ids = await Promise.all([1, 2, 3].map(() => acceptedId(local.client, 'echo', { n: 1 })));
    const failed = await acceptedId(local.client, 'fail', { permanent: true });
    submittedHere += ids.length + 1;
    for (const id of ids) expect((await local.client.waitFor(id)).job.status).toBe('Completed');
    expect((await local.client.waitFor(failed)).job.status).toBe('Failed');
    // A processor publishes its batch's metrics after recording the outcomes: poll for them.
    const snapshot = await until(
      async () => metrics.snapshot(),
      (s) =>
        total(s, JobMetric.Completed, 'echo') >= ids.length &&
        total(s, JobMetric.Failed, 'fail') >= 1 &&
        total(s, JobMetric.Submitted) >= submittedHere,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(total(snapshot, JobMetric.Submitted)).toBeGreaterThanOrEqual(submittedHere);
    expect(total(snapshot, JobMetric.Submitted, 'echo')).toBeGreaterThanOrEqual(ids.length);

    const watched = await open('/#metrics');
    const { page } = watched;
    await page.waitForFunction(`document.querySelectorAll('#metrics canvas').length === 3`, WAIT);
    expect(await text(watched, '#metrics-note')).toBe(`Last ${snapshot.windowMinutes} minutes, per minute.`);
    // The page polls every 5 s and retried jobs of earlier tests may still report: poll until the
    // page and a fresh snapshot agree.
    const agreed = async (jobName?: string) =>
      until(
        async () => ({
          page: await text(watched, '#metrics-summary'),
          collector: expectedSummary(metrics.snapshot(), jobName),
        }),
        ({ page, collector }) => page === collector,
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    const all = await agreed();
    expect(Number(/(\d+) submitted/.exec(all.page)?.[1])).toBeGreaterThan(0);
    await page.select('#metrics-name', 'echo');
    const echo = await agreed('echo');
    expect(echo.page).toMatch(/[1-9]\d* completed, 0 failed; queue wait p50 \d/);
    await watched.screenshot('metrics');
  });
});
