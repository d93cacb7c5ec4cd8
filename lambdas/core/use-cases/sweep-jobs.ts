import { withAttempt } from '../attempt-history';
import { JobVersionConflictError } from '../errors';
import { expiryAfter, type Job, type JobErrorInfo } from '../job';
import type { JobLogger } from '../job-type';
import { LEASE_MS } from '../lease-keeper';
import type { Clock, DeadLetterQueue, JobQueue, JobStore, StaleJob } from '../ports';
import { transition } from '../transition';

/** The error a job gets when its worker died (its lease ran out without a heartbeat). */
export const WORKER_LOST = 'WORKER_LOST';

export interface SweepJobsDeps {
  readonly store: JobStore;
  readonly clock: Clock;
  readonly logger: JobLogger;
  /** The job type's queue, or undefined for a type this deployment has no queue for. */
  readonly queueFor: (name: string) => JobQueue | undefined;
  /** The job type's dead-letter queue, or undefined as above. */
  readonly deadLetterQueueFor: (name: string) => DeadLetterQueue | undefined;
  /**
   * Seconds after its last update that a Queued or Scheduled job of this type counts as lost
   * (its message may be gone); undefined for an unknown type, which is left alone. Make it the
   * longest a healthy message can wait, so a long backlog is not sent twice.
   */
  readonly staleAfterSecondsFor: (name: string) => number | undefined;
  /** How long finished records are kept, seconds: the TTL restarts when a job fails. */
  readonly retentionSeconds: number;
  /** Most jobs one run examines. */
  readonly maxJobsPerRun: number;
  /**
   * Jobs updated within this window are not examined: a live worker renews its lease (and
   * `lastUpdatedAt`) more often, so nothing younger can have a lost worker.
   * @default LEASE_MS (60 s)
   */
  readonly leaseMs?: number;
  /** Jobs asked of the store per query. @default 100 */
  readonly pageSize?: number;
  /**
   * Told of every job a dead worker left behind once its new state is written: `rescheduled`
   * (Scheduled again) or `failed` (Failed, copied to the DLQ), with the record written.
   * @default - nothing is told
   */
  readonly onRecovered?: (action: 'rescheduled' | 'failed', job: Job) => void;
  /**
   * When the system restarted having lost every message and every worker (the local mode's
   * queue lives in memory): every unfinished job last updated before this instant is repaired at
   * once, whatever its lease, `staleAfter` or backoff says (a Scheduled job's early delivery
   * waits out its backoff, as any early delivery does). Jobs updated since, by new workers or
   * new submits, are left alone. Pair it with an unbounded `maxJobsPerRun`.
   * @default - a periodic sweep: leases, `staleAfter` and backoffs decide
   */
  readonly restartedAt?: Date;
}

/** What one sweep did. */
export interface SweepResult {
  /** Unfinished jobs read from the index. */
  readonly examined: number;
  /** Dead worker, retries left: Scheduled again and re-enqueued. */
  readonly rescheduled: number;
  /** Dead worker, no retries left: Failed and copied to the DLQ. */
  readonly failed: number;
  /** Queued or Scheduled for too long: message sent again. */
  readonly requeued: number;
  /** Left alone: healthy, not stale yet, unknown type, moved by another writer, or an error. */
  readonly skipped: number;
}

type Action = 'rescheduled' | 'failed' | 'requeued' | 'skipped';

/** Jobs repaired at once after a restart (`restartedAt`); a periodic sweep repairs one at a time. */
const RESTART_REPAIRS_IN_PARALLEL = 16;

/**
 * Repairs jobs whose worker or message was lost, reading every shard of the sparse Active index
 * oldest first, at most `maxJobsPerRun` jobs per run, shared fairly between the shards:
 *
 * ```
 * InProgress, lease expired (worker died) |- retries left -> Scheduled (WORKER_LOST), enqueue
 *                                         '- exhausted    -> Failed (WORKER_LOST), DLQ copy
 * Queued/Scheduled, due, not updated for staleAfter -> touch lastUpdatedAt, enqueue again
 * ```
 * The index shows only a few fields of each job, possibly behind the record (never ahead): a job
 * that looks healthy there is healthy, so only the others are read in full (one strongly
 * consistent GetItem each) and judged again on the record.
 * Every write is conditional on the version read: a conflict means a worker, the owner or
 * another sweep moved the job, and it is skipped. A duplicate message is harmless: claims are
 * conditional. The state is written before the message is sent; if the send fails, the next
 * sweep (after staleAfter) sends it again.
 */
export async function sweepJobs(deps: SweepJobsDeps): Promise<SweepResult> {
  const counts = { examined: 0, rescheduled: 0, failed: 0, requeued: 0, skipped: 0 };
  const now = deps.clock.now();
  const updatedBefore = deps.restartedAt ?? new Date(now.getTime() - (deps.leaseMs ?? LEASE_MS));
  let open = shardsInSweepOrder(deps.store.activeShards, now);
  // Rounds: each gives every shard with jobs left an equal share of the budget still unspent,
  // so one shard's long backlog cannot starve the others; what a short shard leaves unused
  // goes to the rest in the next round.
  while (open.length > 0 && counts.examined < deps.maxJobsPerRun) {
    const share = Math.max(1, Math.floor((deps.maxJobsPerRun - counts.examined) / open.length));
    for (const shard of open) {
      const limit = Math.min(deps.pageSize ?? 100, share, deps.maxJobsPerRun - counts.examined);
      if (limit <= 0) break;
      const page = await deps.store.listStale({
        shard: shard.index,
        updatedBefore,
        limit,
        ...(shard.cursor ? { cursor: shard.cursor } : {}),
      });
      // A periodic sweep repairs one job at a time, beside live traffic; after a restart every
      // job of the page is lost, and they are put back as fast as fresh submits would arrive.
      const items = page.items.slice(0, limit);
      const inParallel = deps.restartedAt ? RESTART_REPAIRS_IN_PARALLEL : 1;
      for (let i = 0; i < items.length; i += inParallel) {
        const actions = await Promise.all(
          items
            .slice(i, i + inParallel)
            .map((candidate) => sweepCandidate(deps, candidate, now, updatedBefore)),
        );
        for (const action of actions) {
          counts.examined += 1;
          counts[action] += 1;
        }
      }
      shard.cursor = page.nextCursor;
      shard.done = page.nextCursor === undefined;
    }
    open = open.filter((shard) => !shard.done);
  }
  deps.logger.info('Sweep finished', { ...counts, bounded: open.length > 0 });
  return counts;
}

interface ShardProgress {
  readonly index: number;
  cursor?: string;
  done: boolean;
}

/**
 * Every shard, starting at one that moves on each minute: when the budget is smaller than the
 * shard count, the shards served first change from run to run (5-minute runs visit all 16
 * starting points, as 5 and 16 share no factor).
 */
function shardsInSweepOrder(count: number, now: Date): ShardProgress[] {
  const first = Math.floor(now.getTime() / 60_000) % count;
  return Array.from({ length: count }, (_, i) => ({ index: (first + i) % count, done: false }));
}

/**
 * Judges a job on the index's fields first and, only if it may need repair, on its record: the
 * index is only ever behind the record (older lease, older update), so a job the index shows
 * healthy is healthy and needs no read.
 */
async function sweepCandidate(
  deps: SweepJobsDeps,
  candidate: StaleJob,
  now: Date,
  updatedBefore: Date,
): Promise<Action> {
  if (!needsRepair(deps, candidate, now, updatedBefore)) return 'skipped';
  let job: Job | undefined;
  try {
    job = await deps.store.get(candidate.id);
  } catch (error) {
    deps.logger.error('Could not read a job to repair', { jobId: candidate.id, error });
    return 'skipped';
  }
  return job && needsRepair(deps, job, now, updatedBefore) ? sweepOne(deps, job, now) : 'skipped';
}

/**
 * Whether a job looks lost: InProgress with its lease run out (the worker died), or Queued or
 * Scheduled, due, and not updated for its type's `staleAfter` (the message may be lost). A job of
 * an unknown type counts, so that {@link sweepOne} reports it. After a restart (`restartedAt`),
 * every unfinished job the old process left (updated before the restart) counts.
 */
function needsRepair(deps: SweepJobsDeps, job: StaleJob, now: Date, updatedBefore: Date): boolean {
  const at = now.toISOString();
  if (deps.restartedAt) {
    const unfinished = job.status === 'InProgress' || job.status === 'Queued' || job.status === 'Scheduled';
    return unfinished && job.lastUpdatedAt < updatedBefore.toISOString();
  }
  if (job.status === 'InProgress') return job.leaseExpiresAt === undefined || job.leaseExpiresAt < at;
  if (job.status !== 'Queued' && job.status !== 'Scheduled') return false;
  const staleAfterSeconds = deps.staleAfterSecondsFor(job.name);
  if (staleAfterSeconds === undefined) return true;
  const staleBefore = new Date(now.getTime() - staleAfterSeconds * 1000).toISOString();
  if (job.lastUpdatedAt >= staleBefore) return false;
  // A Scheduled job waiting for its backoff still has its message hidden in the queue.
  return job.retryDelayUntil === undefined || job.retryDelayUntil <= at;
}

/** Repairs a job {@link needsRepair} called lost, judged on its record. */

async function sweepOne(deps: SweepJobsDeps, job: Job, now: Date): Promise<Action> {
  try {
    if (job.status === 'InProgress') return await recoverLostWorker(deps, job, now);
    if (job.status === 'Queued' || job.status === 'Scheduled') return await requeueIfStale(deps, job, now);
    return 'skipped';
  } catch (error) {
    if (error instanceof JobVersionConflictError) return 'skipped';
    // One job's failure (an SQS outage, say) must not stop the sweep; the next run retries it.
    deps.logger.error('Could not repair a job', { jobId: job.id, error });
    return 'skipped';
  }
}

async function recoverLostWorker(deps: SweepJobsDeps, job: Job, now: Date): Promise<Action> {
  const queue = deps.queueFor(job.name);
  const deadLetterQueue = deps.deadLetterQueueFor(job.name);
  if (!queue || !deadLetterQueue) return unknownType(deps, job);
  const why = deps.restartedAt
    ? 'the system restarted while it ran'
    : `its lease expired at ${job.leaseExpiresAt ?? 'an unknown time'}`;
  const error: JobErrorInfo = {
    code: WORKER_LOST,
    message: `The worker of attempt ${job.attempt} stopped without recording an outcome (${why})`,
  };
  const history = withAttempt(job, 'abandoned', now, error.code);
  // A cancel request goes the retry way too: the next claim records Canceled without running it.
  if (job.retryCount < job.maxRetries || job.cancelRequestedAt !== undefined) {
    const scheduled = transition(job, 'Scheduled', now, {
      error,
      retryCount: job.retryCount + 1,
      retryDelayUntil: now.toISOString(),
      history,
    });
    await deps.store.update(scheduled);
    await queue.enqueue(job);
    deps.logger.warn('Rescheduled a job whose worker died', { jobId: job.id, attempt: job.attempt });
    deps.onRecovered?.('rescheduled', scheduled);
    return 'rescheduled';
  }
  const failed = transition(job, 'Failed', now, {
    error,
    retryDelayUntil: undefined,
    expiresAt: expiryAfter(now, deps.retentionSeconds),
    history,
  });
  await deps.store.update(failed);
  // Recorded Failed first, so every DLQ message belongs to a Failed job.
  await deadLetterQueue.send(job, error);
  deps.logger.warn('Failed a job whose worker died with no retries left', { jobId: job.id });
  deps.onRecovered?.('failed', failed);
  return 'failed';
}

async function requeueIfStale(deps: SweepJobsDeps, job: Job, now: Date): Promise<Action> {
  const queue = deps.queueFor(job.name);
  if (deps.staleAfterSecondsFor(job.name) === undefined || !queue) return unknownType(deps, job);
  const at = now.toISOString();
  // Same state, newer lastUpdatedAt: the next sweeps leave it alone for another staleAfter.
  await deps.store.update({ ...job, lastUpdatedAt: at, version: job.version + 1 });
  await queue.enqueue(job);
  deps.logger.warn('Re-enqueued a job whose message may have been lost', {
    jobId: job.id,
    status: job.status,
    lastUpdatedAt: job.lastUpdatedAt,
  });
  return 'requeued';
}

function unknownType(deps: SweepJobsDeps, job: Job): Action {
  deps.logger.warn('No queue for this job type; leaving the job alone', { jobId: job.id, jobName: job.name });
  return 'skipped';
}
