/**
 * The local mode's logs and metrics end to end: a system started with the metrics collector on
 * runs jobs through HTTP; the job metrics the handlers emitted as EMF show up in
 * `system.metrics.snapshot()` (and not on the terminal), and the processors' logs report cold
 * start and memory size as the deployed functions' do. Logs stay JSON here, to read them exactly.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JobMetric } from '../../lambdas/metric-names';
import { loadLocalConfig } from '../../local/local-config';
import type { MinuteBucket } from '../../local/metrics/snapshot';
import { acceptedId, until, useLocalSystem } from '../support/local-e2e';

/** Every line written to stdout and stderr while the system runs (swallowed, not printed). */
const terminal: string[] = [];
beforeAll(() => {
  // Installed before the system starts, so they see what its output router lets through.
  const capture = (chunk: string | Uint8Array) => {
    terminal.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});
afterAll(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const local = useLocalSystem(() => {
  // The test run silences Powertools (vitest.config.mts); these tests read the logs.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
  return { config: loadLocalConfig(), observe: { collectMetrics: true, logFormat: 'json' } };
});

const logDocs = () =>
  terminal.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

/** The sums of a count metric, and the durations' counts, over every minute of a job type. */
function totals(buckets: readonly MinuteBucket[], jobName: string) {
  const mine = buckets.filter((b) => b.jobName === jobName);
  const count = (metric: JobMetric) => mine.reduce((sum, b) => sum + (b.counts[metric] ?? 0), 0);
  return {
    submitted: count(JobMetric.Submitted),
    started: count(JobMetric.Started),
    completed: count(JobMetric.Completed),
    failed: count(JobMetric.Failed),
    deadLettered: count(JobMetric.DeadLettered),
    queueWaits: mine.reduce((sum, b) => sum + (b.queueWaitMs?.count ?? 0), 0),
    processings: mine.reduce((sum, b) => sum + (b.processingMs?.count ?? 0), 0),
    buckets: mine,
  };
}

describe('local logs and metrics', () => {
  it('reports a cold start on a local function’s first invocation only, with its memory size', async () => {
    // One job at a time: two invocations of the sleep processor.
    for (let i = 0; i < 2; i += 1) {
      const id = await acceptedId(local.client, 'sleep', { ms: 10 });
      expect((await local.client.waitFor(id)).job.status).toBe('Completed');
    }
    const functionName = `${local.system.config.stackName}-sleep-processor`;
    const memory = local.system.config.jobTypes.find((job) => job.name === 'sleep')?.settings.memoryMiB;
    const docs = await until(
      async () => logDocs().filter((doc) => doc.function_name === functionName),
      (found) => new Set(found.map((doc) => doc.function_request_id)).size >= 2,
    );
    const invocations = [...new Set(docs.map((doc) => doc.function_request_id))];
    const coldStarts = invocations.map((id) =>
      docs.filter((doc) => doc.function_request_id === id).map((doc) => doc.cold_start),
    );
    expect(coldStarts[0]?.every((cold) => cold === true)).toBe(true);
    expect(
      coldStarts
        .slice(1)
        .flat()
        .every((cold) => cold === false),
    ).toBe(true);
    expect(new Set(docs.map((doc) => doc.function_memory_size))).toEqual(new Set([String(memory)]));
  });

  it('collects per-job-type counts and duration percentiles from the handlers’ EMF', async () => {
    const ids = await Promise.all([1, 2, 3].map(() => acceptedId(local.client, 'echo', { n: 1 })));
    const failed = await acceptedId(local.client, 'fail', { permanent: true });
    for (const id of ids) expect((await local.client.waitFor(id)).job.status).toBe('Completed');
    expect((await local.client.waitFor(failed)).job.status).toBe('Failed');

    const metrics = local.system.metrics;
    if (!metrics) throw new Error('The system was started with the collector on, but has no metrics');
    // The processor publishes its batch's metrics after recording the outcomes: poll for them.
    const snapshot = await until(
      async () => metrics.snapshot(),
      (s) => totals(s.buckets, 'echo').completed === 3 && totals(s.buckets, 'fail').deadLettered === 1,
    );
    expect(snapshot.windowMinutes).toBe(60);
    const echo = totals(snapshot.buckets, 'echo');
    expect(echo).toMatchObject({
      submitted: 3,
      started: 3,
      completed: 3,
      failed: 0,
      queueWaits: 3,
      processings: 3,
    });
    for (const bucket of echo.buckets) {
      for (const summary of [bucket.queueWaitMs, bucket.processingMs]) {
        if (!summary) continue;
        expect(summary.p50).toBeGreaterThanOrEqual(0);
        expect(summary.p50).toBeLessThanOrEqual(summary.p90);
        expect(summary.p90).toBeLessThanOrEqual(summary.p99);
      }
    }
    expect(totals(snapshot.buckets, 'fail')).toMatchObject({ submitted: 1, failed: 1, deadLettered: 1 });
    // The sleep jobs of the first test were counted too.
    expect(totals(snapshot.buckets, 'sleep').completed).toBe(2);
  });

  it('keeps EMF off the terminal while the collector runs', () => {
    expect(logDocs().some((doc) => doc.message === 'Delivery handled')).toBe(true);
    expect(terminal.filter((line) => line.includes('"_aws"'))).toEqual([]);
  });
});
