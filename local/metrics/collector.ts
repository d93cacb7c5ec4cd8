/**
 * The local mode's metrics collector: fed the EMF documents the handlers write, it keeps per
 * minute and job type the sums of the count metrics and the percentiles of `JobQueueWaitTime`
 * and `JobProcessingTime` over a rolling window, so the console charts what the CloudWatch
 * dashboard shows deployed. Memory is bounded: a fixed number of minutes, job types from the
 * catalog, and a fixed-size sample per duration (see `duration-sample.ts`).
 */
import { JOB_METRIC_UNITS, JobMetric } from '../../lambdas/metric-names';
import { DEFAULT_SAMPLE_CAPACITY, DurationSample } from './duration-sample';
import { jobMetricSamples } from './emf';
import type { MetricsSnapshot, MetricsSource, MinuteBucket } from './snapshot';

/** Minutes the collector keeps, as the dashboard's default hour. */
export const DEFAULT_WINDOW_MINUTES = 60;

const MINUTE_MS = 60_000;

export interface MetricsCollectorOptions {
  /** Minutes kept, the current one included. @default DEFAULT_WINDOW_MINUTES (60) */
  readonly windowMinutes?: number;
  /** The clock that decides which minutes fall out of the window, ms. @default Date.now */
  readonly now?: () => number;
  /** Durations kept exactly per minute, job type and metric. @default DEFAULT_SAMPLE_CAPACITY */
  readonly sampleCapacity?: number;
}

interface Bucket {
  readonly counts: Partial<Record<JobMetric, number>>;
  readonly queueWait: DurationSample;
  readonly processing: DurationSample;
}

export class MetricsCollector implements MetricsSource {
  readonly windowMinutes: number;
  readonly #now: () => number;
  readonly #capacity: number;
  /** Minute start (ms) -> job name -> bucket. Map order is insertion order, not time order. */
  readonly #minutes = new Map<number, Map<string, Bucket>>();

  /** @throws RangeError when `windowMinutes` is not a positive integer */
  constructor(options: MetricsCollectorOptions = {}) {
    this.windowMinutes = options.windowMinutes ?? DEFAULT_WINDOW_MINUTES;
    if (!Number.isInteger(this.windowMinutes) || this.windowMinutes < 1) {
      throw new RangeError(`windowMinutes must be a positive integer, got ${this.windowMinutes}`);
    }
    this.#now = options.now ?? Date.now;
    this.#capacity = options.sampleCapacity ?? DEFAULT_SAMPLE_CAPACITY;
  }

  /**
   * Adds one parsed JSON document; anything that is not an EMF document with job metrics is
   * ignored. Samples older than the window are dropped.
   * @returns whether it held job metrics
   */
  record(doc: unknown): boolean {
    const samples = jobMetricSamples(doc);
    if (samples.length === 0) return false;
    const oldest = this.#evict();
    for (const { timestamp, jobName, metric, values } of samples) {
      const minute = minuteOf(timestamp);
      if (minute < oldest) continue;
      const bucket = this.#bucket(minute, jobName);
      if (metric === JobMetric.QueueWaitTime) for (const v of values) bucket.queueWait.add(v);
      else if (metric === JobMetric.ProcessingTime) for (const v of values) bucket.processing.add(v);
      else if (JOB_METRIC_UNITS[metric] === 'Count') {
        bucket.counts[metric] = (bucket.counts[metric] ?? 0) + values.reduce((sum, v) => sum + v, 0);
      }
    }
    return true;
  }

  snapshot(): MetricsSnapshot {
    this.#evict();
    const buckets: MinuteBucket[] = [];
    for (const minute of [...this.#minutes.keys()].sort((a, b) => a - b)) {
      const jobs = this.#minutes.get(minute) as Map<string, Bucket>;
      for (const jobName of [...jobs.keys()].sort()) {
        const bucket = jobs.get(jobName) as Bucket;
        buckets.push({
          minute: new Date(minute).toISOString(),
          jobName,
          counts: { ...bucket.counts },
          queueWaitMs: bucket.queueWait.summary(),
          processingMs: bucket.processing.summary(),
        });
      }
    }
    return { generatedAt: new Date(this.#now()).toISOString(), windowMinutes: this.windowMinutes, buckets };
  }

  /** Drops the minutes that left the window; returns the oldest minute still in it. */
  #evict(): number {
    const oldest = minuteOf(this.#now()) - (this.windowMinutes - 1) * MINUTE_MS;
    for (const minute of this.#minutes.keys()) if (minute < oldest) this.#minutes.delete(minute);
    return oldest;
  }

  #bucket(minute: number, jobName: string): Bucket {
    let jobs = this.#minutes.get(minute);
    if (!jobs) {
      jobs = new Map();
      this.#minutes.set(minute, jobs);
    }
    let bucket = jobs.get(jobName);
    if (!bucket) {
      bucket = {
        counts: {},
        queueWait: new DurationSample(this.#capacity),
        processing: new DurationSample(this.#capacity),
      };
      jobs.set(jobName, bucket);
    }
    return bucket;
  }
}

function minuteOf(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}
