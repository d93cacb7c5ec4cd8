import type { BacklogGauge, Clock } from '../core/ports';

/** How long a backlog reading is reused, ms. */
export const BACKLOG_CACHE_MS = 5_000;

/**
 * A {@link BacklogGauge} read at most once per `ttlMs` per container: every submission would
 * otherwise add a GetQueueAttributes call (latency, and SQS API cost at 1,000+ submits/s), and
 * SQS's counts are approximate and about a minute behind in CloudWatch anyway.
 *
 * A miss never stampedes: while one read is in flight, concurrent callers share its promise.
 * A failed read is remembered for the same time, so an SQS outage does not add a failing call
 * to every submission (the caller fails open).
 */
export class CachedBacklogGauge implements BacklogGauge {
  private cached?: { readonly at: number; readonly reading: Promise<number> };

  constructor(
    private readonly inner: BacklogGauge,
    private readonly clock: Clock,
    private readonly ttlMs: number = BACKLOG_CACHE_MS,
  ) {}

  read(): Promise<number> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.reading;
    const reading = this.inner.read();
    // Handled here so a failed reading that nobody awaits again is not an unhandled rejection.
    reading.catch(() => {});
    this.cached = { at: now, reading };
    return reading;
  }
}
