/**
 * What the console's metrics panel should say for a snapshot: the test's oracle for the panel's
 * one-line summary, written from the panel's contract (not its code). Each series shows its
 * latest minute with data in the snapshot's window: counts summed over the job types shown,
 * percentiles the slowest type's (they do not add up).
 */
import { JobMetric } from '../../lambdas/metric-names';
import type { DurationSummary, MetricsSnapshot, MinuteBucket } from '../../local/metrics/snapshot';

const MINUTE_MS = 60_000;

/** The buckets of `jobName` (every type when absent) inside the snapshot's window. */
function shown(snapshot: MetricsSnapshot, jobName?: string): MinuteBucket[] {
  const end = Math.floor(Date.parse(snapshot.generatedAt) / MINUTE_MS) * MINUTE_MS;
  const start = end - (snapshot.windowMinutes - 1) * MINUTE_MS;
  return snapshot.buckets.filter((bucket) => {
    const minute = Date.parse(bucket.minute);
    return (!jobName || bucket.jobName === jobName) && minute >= start && minute <= end;
  });
}

/** The values `read` finds in the newest minute that has any, or [] when none has. */
function latest<T>(buckets: readonly MinuteBucket[], read: (bucket: MinuteBucket) => T | undefined): T[] {
  const seen = buckets.flatMap((bucket) => {
    const value = read(bucket);
    return value === undefined ? [] : [{ minute: Date.parse(bucket.minute), value }];
  });
  const newest = Math.max(...seen.map((entry) => entry.minute));
  return seen.filter((entry) => entry.minute === newest).map((entry) => entry.value);
}

/** The panel's summary line for `snapshot`, showing `jobName` (every type when absent). */
export function expectedSummary(snapshot: MetricsSnapshot, jobName?: string): string {
  const buckets = shown(snapshot, jobName);
  const count = (metric: JobMetric) =>
    latest(buckets, (bucket) => bucket.counts[metric]).reduce((sum, value) => sum + value, 0);
  const ms = (read: (bucket: MinuteBucket) => DurationSummary | null) => {
    const summaries = latest(buckets, (bucket) => read(bucket) ?? undefined);
    if (summaries.length === 0) return 'none';
    const max = (pick: (summary: DurationSummary) => number) => Math.max(...summaries.map(pick));
    return `p50 ${max((s) => s.p50)} ms, p99 ${max((s) => s.p99)} ms`;
  };
  return (
    `Latest minute with data: ${count(JobMetric.Submitted)} submitted, ` +
    `${count(JobMetric.Completed)} completed, ${count(JobMetric.Failed)} failed; ` +
    `queue wait ${ms((b) => b.queueWaitMs)}; processing ${ms((b) => b.processingMs)}.`
  );
}

/** The sum of `metric` over every minute of the snapshot (of `jobName`, when given). */
export function total(snapshot: MetricsSnapshot, metric: JobMetric, jobName?: string): number {
  return snapshot.buckets
    .filter((bucket) => !jobName || bucket.jobName === jobName)
    .reduce((sum, bucket) => sum + (bucket.counts[metric] ?? 0), 0);
}
