/**
 * Keeps a running job's lease alive: renews it every third of its length, and whenever the
 * handler reports progress, and aborts the handler's signal when a renewal shows the owner
 * asked to cancel or another worker took the job over. Between renewals it checks the cancel
 * flag with a cheap read, so a cancel is seen within seconds rather than a third of a lease.
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
  /**
   * Longest time the cancel flag goes unread while the handler runs, ms: a check
   * (`JobStore.cancelRequested`) comes this long after the last renewal or check. 0: no checks.
   * @default 0
   */
  readonly cancelCheckMs?: number;
}

/**
 * ```
 * claim ──┬── lease/3 ── renew ── lease/3 ── renew ── ... ── stop (handler settled)
 *         └── handler ─── heartbeat(progress): renew now, hide the message ───┘
 * renew -> cancelRequestedAt set: abort(JobCanceledError)
 *       -> lease not held:        abort(LeaseLostError)
 *
 * claim ── check ── check ── renew ── check ── ... (a check comes cancelCheckMs after the last
 *                                                   read of the flag, renewal or check)
 * check -> flag set: read the record (strongly), adopt it, abort(JobCanceledError)
 * ```
 * Renewals (and adopting a record a check found) run one at a time, so {@link job} is always
 * the newest record this worker wrote or read back.
 */
export class LeaseKeeper {
  private readonly controller = new AbortController();
  private current: Job;
  private lost = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private checking = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: LeaseKeeperOptions) {
    this.current = options.job;
  }

  /** The newest record: the claim, the last renewal's result, or the record a cancel check read back. */
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
    this.scheduleCheck();
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
    clearTimeout(this.checkTimer);
    this.stopped = true;
    await this.chain;
  }

  /** The next check of the cancel flag, a whole interval from now (after any read of it). */
  private scheduleCheck(): void {
    const every = this.options.cancelCheckMs ?? 0;
    if (every <= 0 || this.stopped || this.lost || this.signal.aborted) return;
    clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => void this.check(), every);
    this.checkTimer.unref?.();
  }

  /**
   * Reads the cancel flag. Seen set, it reads the whole record back (strongly consistent) in
   * the renewal chain and adopts it, so the outcome write is conditional on the version that
   * holds the request, as after a renewal that saw it. Never throws.
   */
  private async check(): Promise<void> {
    if (this.stopped || this.lost || this.signal.aborted) return;
    // Scheduled before the read: a slow read does not stretch the interval (nor pile up reads).
    this.scheduleCheck();
    if (this.checking) return;
    const { store, logger } = this.options;
    const id = this.current.id;
    this.checking = true;
    let requested: boolean;
    try {
      requested = await store.cancelRequested(id);
    } catch (error) {
      logger.warn('Cancel check failed; the next one tries again', { error });
      return;
    } finally {
      this.checking = false;
    }
    if (!requested) return;
    this.chain = this.chain.then(() => this.adopt());
    await this.chain;
  }

  /** Takes up the record a check found a cancel request in, if this worker still holds it. */
  private async adopt(): Promise<void> {
    if (this.stopped || this.lost || this.signal.aborted) return;
    const { store, logger } = this.options;
    const job = this.current;
    let fresh: Job | undefined;
    try {
      fresh = await store.get(job.id);
    } catch (error) {
      logger.warn('Could not read the job after a cancel check; the next renewal sees it', { error });
      return;
    }
    if (fresh?.status !== 'InProgress' || fresh.leaseOwner !== job.leaseOwner) {
      this.lose(job.id);
      return;
    }
    this.current = fresh;
    this.cancelIfRequested('check');
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
      this.lose(job.id);
      return;
    }
    this.current = renewed;
    // The renewal read the flag too: the next check is a whole interval away.
    this.scheduleCheck();
    this.cancelIfRequested('renewal');
  }

  private lose(id: string): void {
    this.lost = true;
    clearTimeout(this.checkTimer);
    this.options.logger.warn('Lost the lease while the handler ran; stopping it');
    this.controller.abort(new LeaseLostError(id));
  }

  private cancelIfRequested(seenBy: 'renewal' | 'check'): void {
    if (!this.current.cancelRequestedAt || this.signal.aborted) return;
    clearTimeout(this.checkTimer);
    this.options.logger.info('Cancel requested; stopping the handler', { seenBy });
    this.controller.abort(new JobCanceledError(this.current.id));
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
