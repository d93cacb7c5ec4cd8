/**
 * Keeps a running job's lease alive: renews it every third of its length, and whenever the
 * handler reports progress, and aborts the handler's signal when a renewal shows the owner
 * asked to cancel or another worker took the job over.
 */
import { JobCanceledError, LeaseLostError } from './errors';
import type { Job } from './job';
import type { JobLogger } from './job-type';
import type { Clock, Delivery, JobStore } from './ports';

/**
 * The longest lease a worker takes, ms. Shorter than most function timeouts and renewed while
 * the handler runs, so a dead worker's job is re-claimable within a minute, not a timeout.
 */
export const LEASE_MS = 60_000;

/** What a handler may report through `context.heartbeat`. */
export interface ProgressReport {
  /** 0..100; clamped. */
  readonly percent?: number;
  /** Truncated to {@link MAX_PROGRESS_MESSAGE} characters. */
  readonly message?: string;
}

export const MAX_PROGRESS_MESSAGE = 1_000;

export interface LeaseKeeperOptions {
  readonly store: JobStore;
  readonly clock: Clock;
  readonly logger: JobLogger;
  readonly delivery: Delivery;
  /** The claimed record: its `leaseOwner` is this worker. */
  readonly job: Job;
  readonly leaseMs: number;
  /** When the handler is cut off (epoch ms): the message stays hidden at least that long. */
  readonly deadlineAt: number;
}

/**
 * ```
 * claim ──┬── lease/3 ── renew ── lease/3 ── renew ── ... ── stop (handler settled)
 *         └── handler ─── heartbeat(progress): renew now, hide the message ───┘
 * renew -> cancelRequestedAt set: abort(JobCanceledError)
 *       -> lease not held:        abort(LeaseLostError)
 * ```
 * Renewals run one at a time, so {@link job} is always the newest record this worker wrote.
 */
export class LeaseKeeper {
  private readonly controller = new AbortController();
  private current: Job;
  private lost = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: LeaseKeeperOptions) {
    this.current = options.job;
  }

  /** The newest record: the claim, or the last renewal's result. */
  get job(): Job {
    return this.current;
  }

  get leaseLost(): boolean {
    return this.lost;
  }

  /** Fires on a cancel request or a lost lease; its reason says which. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  start(): void {
    const every = Math.max(1, Math.floor(this.options.leaseMs / 3));
    this.timer = setInterval(() => void this.renew(), every);
    this.timer.unref?.();
  }

  /**
   * The handler's `context.heartbeat`: renews at once, stores the progress, and keeps the
   * message hidden until the deadline plus one lease. Never throws: a failed renewal is logged
   * and the next one tries again.
   */
  async heartbeat(progress: ProgressReport = {}): Promise<void> {
    await this.renew(cleanProgress(progress));
    if (this.stopped || this.lost) return;
    const { clock, deadlineAt, leaseMs, delivery, logger } = this.options;
    const seconds = Math.ceil((Math.max(0, deadlineAt - clock.now().getTime()) + leaseMs) / 1000);
    await delivery.retryAfter(seconds).catch((error: unknown) => {
      logger.warn('Could not extend the message visibility', { error });
    });
  }

  /** Stops renewing and waits for a renewal in flight, so {@link job} is final. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopped = true;
    await this.chain;
  }

  private renew(progress?: ProgressReport): Promise<void> {
    this.chain = this.chain.then(() => this.beat(progress));
    return this.chain;
  }

  private async beat(progress?: ProgressReport): Promise<void> {
    if (this.stopped || this.lost) return;
    const { store, clock, logger, leaseMs } = this.options;
    const job = this.current;
    const now = clock.now();
    let renewed: Job | undefined;
    try {
      renewed = await store.heartbeat({
        id: job.id,
        leaseOwner: job.leaseOwner ?? '',
        leaseExpiresAt: new Date(now.getTime() + leaseMs),
        now,
        ...(progress ? { progress } : {}),
      });
    } catch (error) {
      logger.warn('Heartbeat failed; the next one tries again', { error });
      return;
    }
    if (!renewed) {
      this.lost = true;
      logger.warn('Lost the lease while the handler ran; stopping it');
      this.controller.abort(new LeaseLostError(job.id));
      return;
    }
    this.current = renewed;
    if (renewed.cancelRequestedAt && !this.signal.aborted) {
      logger.info('Cancel requested; stopping the handler');
      this.controller.abort(new JobCanceledError(job.id));
    }
  }
}

function cleanProgress(progress: ProgressReport): ProgressReport {
  const { percent, message } = progress;
  return {
    ...(typeof percent === 'number' && Number.isFinite(percent)
      ? { percent: Math.min(100, Math.max(0, percent)) }
      : {}),
    ...(typeof message === 'string' ? { message: message.slice(0, MAX_PROGRESS_MESSAGE) } : {}),
  };
}
