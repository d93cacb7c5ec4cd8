/**
 * What the local console's metrics panel reads (`GET /_console/api/metrics`): the job metrics
 * the handlers emit as EMF, per job type and minute, as the CloudWatch dashboard shows them
 * deployed. Shared by the collector that reads the EMF lines and the console that charts them.
 */
import type { JobMetric } from '../../lambdas/metric-names';

/** Percentiles of one minute's durations, in milliseconds. */
export interface DurationSummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
}

/** One job type's metrics in one minute. */
export interface MinuteBucket {
  /** The minute's start, ISO 8601 UTC (`2026-12-04T17:50:00.000Z`). */
  readonly minute: string;
  readonly jobName: string;
  /** Sums of the count metrics (`JobsSubmitted`, `JobsCompleted`, ...); a metric not seen is absent. */
  readonly counts: Readonly<Partial<Record<JobMetric, number>>>;
  /** `JobQueueWaitTime`; null when no job was claimed in the minute. */
  readonly queueWaitMs: DurationSummary | null;
  /** `JobProcessingTime`; null when no delivery finished in the minute. */
  readonly processingMs: DurationSummary | null;
}

/** The last `windowMinutes` minutes, oldest first; minutes with no metric have no bucket. */
export interface MetricsSnapshot {
  readonly generatedAt: string;
  readonly windowMinutes: number;
  readonly buckets: readonly MinuteBucket[];
}

/** Anything that can answer the metrics panel (the local mode's EMF collector). */
export interface MetricsSource {
  snapshot(): MetricsSnapshot;
}
