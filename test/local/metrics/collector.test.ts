import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addPoints, jobMetricsEmitter, processorMetrics } from '../../../lambdas/job-metrics';
import { JobMetric, METRICS_NAMESPACE } from '../../../lambdas/metric-names';
import { MetricsCollector } from '../../../local/metrics/collector';
import { jobMetricSamples } from '../../../local/metrics/emf';
import type { MinuteBucket } from '../../../local/metrics/snapshot';
import { captureEmf } from '../../support/emf-capture';

const START = new Date('2026-12-04T17:50:10.000Z');
const MINUTE = 60_000;

/** What the processor of `jobName` writes for one batch of `processingMs.length` completed jobs. */
function processorBatch(jobName: string, processingMs: readonly number[], queueWaitMs = 40) {
  return captureEmf(() => {
    const metrics = processorMetrics(jobName);
    for (const ms of processingMs) {
      addPoints(metrics, [
        { name: JobMetric.Started, value: 1 },
        { name: JobMetric.QueueWaitTime, value: queueWaitMs },
        { name: JobMetric.ProcessingTime, value: ms },
        { name: JobMetric.Completed, value: 1 },
      ]);
    }
    metrics.publishStoredMetrics();
  });
}

/** What the submit function writes for `count` accepted jobs of `jobName`. */
function submissions(jobName: string, count: number) {
  return captureEmf(() => {
    const emit = jobMetricsEmitter();
    for (let i = 0; i < count; i += 1) emit(jobName, [{ name: JobMetric.Submitted, value: 1 }]);
  });
}

const only = (buckets: readonly MinuteBucket[], jobName: string) => {
  const found = buckets.filter((b) => b.jobName === jobName);
  expect(found).toHaveLength(1);
  return found[0] as MinuteBucket;
};

describe('MetricsCollector', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(START);
  });
  afterEach(() => vi.useRealTimers());

  it('reads the processor’s and the API’s EMF into per-minute, per-job-type sums', () => {
    const collector = new MetricsCollector();
    const docs = [...submissions('echo', 3), ...submissions('fail', 1), ...processorBatch('echo', [5, 7, 9])];
    for (const doc of docs) expect(collector.record(doc)).toBe(true);

    const { buckets, windowMinutes, generatedAt } = collector.snapshot();
    expect(windowMinutes).toBe(60);
    expect(generatedAt).toBe(START.toISOString());
    expect(buckets.map((b) => b.jobName)).toEqual(['echo', 'fail']);
    const echo = only(buckets, 'echo');
    expect(echo.minute).toBe('2026-12-04T17:50:00.000Z');
    expect(echo.counts).toEqual({ JobsSubmitted: 3, JobsStarted: 3, JobsCompleted: 3 });
    expect(echo.processingMs).toEqual({ count: 3, p50: 7, p90: 9, p99: 9 });
    expect(echo.queueWaitMs).toEqual({ count: 3, p50: 40, p90: 40, p99: 40 });
    const fail = only(buckets, 'fail');
    expect(fail.counts).toEqual({ JobsSubmitted: 1 });
    expect(fail.processingMs).toBeNull();
    expect(fail.queueWaitMs).toBeNull();
  });

  it('takes every value of a metric Powertools wrote as a list', () => {
    const docs = processorBatch(
      'echo',
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    // Powertools flushes a metric at 100 values: one or more documents, their values lists.
    expect(docs.some((doc) => Array.isArray(doc[JobMetric.ProcessingTime]))).toBe(true);
    const collector = new MetricsCollector();
    for (const doc of docs) collector.record(doc);
    const echo = only(collector.snapshot().buckets, 'echo');
    expect(echo.processingMs).toEqual({ count: 100, p50: 50, p90: 90, p99: 99 });
    expect(echo.counts.JobsCompleted).toBe(100);
  });

  it('keeps a bucket per minute, oldest first, and drops minutes that left the window', () => {
    const collector = new MetricsCollector({ windowMinutes: 3 });
    for (const doc of submissions('echo', 1)) collector.record(doc);
    vi.setSystemTime(START.getTime() + MINUTE);
    for (const doc of submissions('echo', 2)) collector.record(doc);
    expect(collector.snapshot().buckets.map((b) => [b.minute, b.counts.JobsSubmitted])).toEqual([
      ['2026-12-04T17:50:00.000Z', 1],
      ['2026-12-04T17:51:00.000Z', 2],
    ]);

    vi.setSystemTime(START.getTime() + 2 * MINUTE);
    expect(collector.snapshot().buckets).toHaveLength(2);
    vi.setSystemTime(START.getTime() + 3 * MINUTE);
    expect(collector.snapshot().buckets.map((b) => b.minute)).toEqual(['2026-12-04T17:51:00.000Z']);
    vi.setSystemTime(START.getTime() + 4 * MINUTE);
    expect(collector.snapshot().buckets).toEqual([]);
  });

  it('drops samples older than the window', () => {
    const old = submissions('echo', 1);
    vi.setSystemTime(START.getTime() + 10 * MINUTE);
    const collector = new MetricsCollector({ windowMinutes: 5 });
    collector.record(old[0]);
    expect(collector.snapshot().buckets).toEqual([]);
  });

  it('ignores documents without job metrics: other namespaces, no JobName, log lines', () => {
    const other = captureEmf(() => {
      const metrics = new Metrics({ namespace: 'Elsewhere', defaultDimensions: { JobName: 'echo' } });
      metrics.addMetric(JobMetric.Completed, 'Count', 1);
      metrics.publishStoredMetrics();
    });
    const noJobName = captureEmf(() => {
      const metrics = new Metrics({ namespace: METRICS_NAMESPACE });
      metrics.addMetric(JobMetric.Completed, 'Count', 1);
      metrics.publishStoredMetrics();
    });
    const collector = new MetricsCollector();
    for (const doc of [...other, ...noJobName]) {
      expect(jobMetricSamples(doc)).toEqual([]);
      expect(collector.record(doc)).toBe(false);
    }
    expect(collector.record({ level: 'INFO', message: 'hello', timestamp: START.toISOString() })).toBe(false);
    expect(collector.record(null)).toBe(false);
    expect(collector.snapshot().buckets).toEqual([]);
  });

  it('refuses a window that is not a positive whole number of minutes', () => {
    expect(() => new MetricsCollector({ windowMinutes: 0 })).toThrow(
      /windowMinutes must be a positive integer/,
    );
    expect(() => new MetricsCollector({ windowMinutes: 1.5 })).toThrow(RangeError);
  });
});
