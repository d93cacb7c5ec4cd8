import { withAttempt } from '../attempt-history';
import type { DeadLetterInbox, InboxLetter } from '../dead-letter-inbox';
import { JobVersionConflictError } from '../errors';
import { expiryAfter, type Job, type JobErrorInfo } from '../job';
import type { JobLogger } from '../job-type';
import type { Clock, JobStore } from '../ports';
import { transition } from '../transition';
import { canceledError } from './cancel-job';
import { ENQUEUE_FAILED } from './submit-job';

/**
 * The error of a job whose message SQS moved to the DLQ itself: its receive count passed
 * `maxReceiveCount` without an outcome (throttled, crashed or deferred deliveries).
 */
export const RECEIVE_LIMIT_EXCEEDED = 'RECEIVE_LIMIT_EXCEEDED';

/** Default most messages received from one DLQ per run (SQS hands out 10 per receive). */
export const DEAD_LETTERS_PER_QUEUE = 1_000;
/** Default number of DLQs reconciled at once. */
export const DEAD_LETTER_QUEUES_AT_ONCE = 4;
/** Default time budget of the reconciliation, ms: a third of the sweeper's 1-minute timeout. */
export const RECONCILE_TIME_BUDGET_MS = 20_000;

/** One DLQ to reconcile and the job type whose messages it holds (either lane of it). */
export interface DeadLetterTarget {
  readonly jobName: string;
  readonly inbox: DeadLetterInbox;
}

export interface ReconcileDeadLettersDeps {
  readonly store: JobStore;
  readonly clock: Clock;
  readonly logger: JobLogger;
  /** Every DLQ of every job type. */
  readonly deadLetterQueues: readonly DeadLetterTarget[];
  /** How long finished records are kept, seconds: the TTL restarts when a job fails. */
  readonly retentionSeconds: number;
  /** Most messages received from one DLQ per run. @default DEAD_LETTERS_PER_QUEUE (1,000) */
  readonly maxPerQueue?: number;
  /** DLQs reconciled at once. @default DEAD_LETTER_QUEUES_AT_ONCE (4) */
  readonly concurrency?: number;
  /**
   * No receive starts after this many ms (the batch in hand is still settled and released).
   * @default RECONCILE_TIME_BUDGET_MS (20 s)
   */
  readonly timeBudgetMs?: number;
  /**
   * Told of every job this run ended (`Failed`, or `Canceled` when its owner had asked), with
   * the record written.
   * @default - nothing is told
   */
  readonly onSettled?: (job: Job) => void;
}

/** What one reconciliation did. */
export interface DeadLetterReconciliation {
  /** DLQs that had messages waiting and were read (the others were skipped as empty). */
  readonly queuesRead: number;
  /** Distinct messages received: ours (copies this run sent too) and SQS's. */
  readonly received: number;
  /** Jobs SQS had given up on, now Failed (`RECEIVE_LIMIT_EXCEEDED`), their message annotated. */
  readonly failed: number;
  /** Jobs SQS had given up on whose owner had asked to cancel them: now Canceled, message deleted. */
  readonly canceled: number;
  /** Messages SQS moved for a job already Failed: replaced by a copy carrying the job's error. */
  readonly annotated: number;
  /** Messages SQS moved for a job that finished since (a stale duplicate): deleted. */
  readonly deleted: number;
  /** Messages SQS moved that were left for a later run or for redrive (see the use-case). */
  readonly left: number;
  /** DLQs not read to the end: the per-queue bound, the time budget or an error stopped it. */
  readonly unfinished: number;
}

type Counts = { -readonly [K in keyof DeadLetterReconciliation]: DeadLetterReconciliation[K] };
type Outcome = 'ours' | 'failed' | 'canceled' | 'annotated' | 'deleted' | 'left';

/** How one dead letter ended: its outcome, and whether the message is gone (replaced or deleted). */
interface Settled {
  readonly outcome: Outcome;
  readonly removed: boolean;
}

/**
 * Brings the job records in line with messages SQS moved to a DLQ on its own (no code of ours
 * runs then, so the record stays unfinished while its message waits in the DLQ). Every DLQ with
 * messages waiting is read, up to `maxPerQueue` messages, 10 at a time; a message our writers
 * sent (it carries `errorCode`) needs no read. For each message SQS moved, the record is read
 * (strongly consistent):
 *
 * ```
 * Queued / Scheduled / InProgress, no live lease -> Failed (RECEIVE_LIMIT_EXCEEDED), then the
 *                                                   message is replaced by an annotated copy
 *   '- InProgress with a cancel request          -> Canceled, message deleted
 * InProgress under a live lease                  -> left (its worker decides; a later run sees)
 * Failed                                         -> replaced by a copy carrying the job's error
 *   '- refused at submission (ENQUEUE_FAILED)     -> deleted (never dead-lettered, as the processor)
 * Completed / Canceled                           -> deleted (a stale duplicate)
 * no record, unreadable body, another job type   -> left: redrive reports and handles it
 * ```
 * The record is written first (version-conditional: a conflict means another writer moved the
 * job, and the message is left for the next run), so every DLQ message belongs to a Failed job.
 * The annotated copy is sent before the original is deleted: a failure leaves a duplicate at
 * worst, never no copy. Annotated, a message looks like the processor's (`jobId`, `errorCode`,
 * `errorMessage`) and later runs skip it without a read. Messages left are released as soon as
 * their batch is settled, so a redrive (which long-polls) is not delayed and never finds the DLQ
 * empty because of us. DLQs are read `concurrency` at once, starting at one that moves on each
 * minute, so a time budget too short for all reaches each in turn.
 */
export async function reconcileDeadLetters(
  deps: ReconcileDeadLettersDeps,
): Promise<DeadLetterReconciliation> {
  const counts: Counts = {
    queuesRead: 0,
    received: 0,
    failed: 0,
    canceled: 0,
    annotated: 0,
    deleted: 0,
    left: 0,
    unfinished: 0,
  };
  const started = deps.clock.now();
  const deadline = started.getTime() + (deps.timeBudgetMs ?? RECONCILE_TIME_BUDGET_MS);
  const queues = inRunOrder(deps.deadLetterQueues, started);
  let next = 0;
  const worker = async () => {
    while (next < queues.length) {
      const target = queues[next++] as DeadLetterTarget;
      if (deps.clock.now().getTime() >= deadline) {
        counts.unfinished += 1;
        continue;
      }
      await reconcileQueue(deps, target, deadline, counts);
    }
  };
  const width = Math.max(1, Math.min(deps.concurrency ?? DEAD_LETTER_QUEUES_AT_ONCE, queues.length));
  await Promise.all(Array.from({ length: width }, worker));
  deps.logger.info('Dead letters reconciled', { ...counts });
  return counts;
}

/** Every DLQ, starting at one that moves on each minute (as the sweep's shards do). */
function inRunOrder(queues: readonly DeadLetterTarget[], now: Date): DeadLetterTarget[] {
  const first = queues.length === 0 ? 0 : Math.floor(now.getTime() / 60_000) % queues.length;
  return [...queues.slice(first), ...queues.slice(0, first)];
}

/**
 * One DLQ's pass, never throwing: receive a batch, settle each new message, and release what
 * stays at once, so nothing is hidden from a redrive for longer than one batch takes. Released
 * messages can come back in the same pass: a batch of only messages seen already means the pass
 * has gone round, and it ends.
 */
async function reconcileQueue(
  deps: ReconcileDeadLettersDeps,
  target: DeadLetterTarget,
  deadline: number,
  counts: Counts,
): Promise<void> {
  const { inbox, jobName } = target;
  const max = deps.maxPerQueue ?? DEAD_LETTERS_PER_QUEUE;
  const seen = new Set<string>();
  // Empty, drained or gone round: anything else (the bound, the budget, an error) is unfinished.
  let finished = false;
  try {
    if ((await inbox.waiting()) === 0) {
      finished = true;
      return;
    }
    counts.queuesRead += 1;
    let received = 0;
    while (received < max && deps.clock.now().getTime() < deadline) {
      const batch = await inbox.receive(Math.min(10, max - received));
      received += batch.length;
      const fresh = batch.filter((letter) => !seen.has(letter.messageId));
      for (const letter of fresh) seen.add(letter.messageId);
      counts.received += fresh.length;
      const settled = await Promise.all(fresh.map((letter) => settleLetter(deps, target, letter)));
      for (const { outcome } of settled) if (outcome !== 'ours') counts[outcome] += 1;
      const removed = new Set(fresh.filter((_, index) => settled[index]?.removed).map((l) => l.handle));
      const stay = batch.filter((letter) => !removed.has(letter.handle)).map((letter) => letter.handle);
      if (stay.length > 0) {
        await inbox.releaseAll(stay).catch((error: unknown) => {
          // They come back on their own when the receive's hide time ends.
          deps.logger.warn('Could not release dead letters', { jobName, error });
        });
      }
      if (fresh.length === 0) {
        finished = true;
        break;
      }
    }
  } catch (error) {
    deps.logger.error('Could not reconcile a dead-letter queue; the next run tries again', {
      jobName,
      error,
    });
  } finally {
    if (!finished) counts.unfinished += 1;
  }
}

const kept = (outcome: Outcome): Settled => ({ outcome, removed: false });

/** Decides one message (see {@link reconcileDeadLetters}); a failed call leaves it. */
async function settleLetter(
  deps: ReconcileDeadLettersDeps,
  target: DeadLetterTarget,
  letter: InboxLetter,
): Promise<Settled> {
  // Our writers send copies only of jobs already recorded Failed: nothing to reconcile.
  if (letter.errorCode !== undefined) return kept('ours');
  const { jobName, inbox } = target;
  const { jobId } = letter;
  if (jobId === undefined) {
    deps.logger.warn('A message SQS moved to the DLQ is not a job message; left for redrive', { jobName });
    return kept('left');
  }
  try {
    const job = await deps.store.get(jobId);
    if (!job || job.name !== jobName) {
      // Redrive deletes a letter without a record (notFound) and reports one of another type.
      deps.logger.warn('A message SQS moved has no job of this type; left for redrive', { jobId, jobName });
      return kept('left');
    }
    switch (job.status) {
      case 'Completed':
      case 'Canceled':
        await inbox.remove(letter.handle);
        return { outcome: 'deleted', removed: true };
      case 'Failed':
        if (job.error?.code === ENQUEUE_FAILED) {
          await inbox.remove(letter.handle);
          return { outcome: 'deleted', removed: true };
        }
        return (await replace(deps, inbox, letter, job, job.error ?? receiveLimitError()))
          ? { outcome: 'annotated', removed: true }
          : kept('left');
      default:
        return await settleUnfinished(deps, inbox, letter, job);
    }
  } catch (error) {
    deps.logger.error('Could not reconcile a dead letter; left for the next run', { jobId, error });
    return kept('left');
  }
}

/** Ends a job SQS gave up on, unless a live worker holds it; then annotates or deletes its message. */
async function settleUnfinished(
  deps: ReconcileDeadLettersDeps,
  inbox: DeadLetterInbox,
  letter: InboxLetter,
  job: Job,
): Promise<Settled> {
  const now = deps.clock.now();
  // Its worker records an outcome (and dead-letters it if it fails); a later run sees which.
  if (job.status === 'InProgress' && (job.leaseExpiresAt ?? '') > now.toISOString()) return kept('left');
  const ended = endedJob(deps, job, now);
  try {
    await deps.store.update(ended);
  } catch (error) {
    if (error instanceof JobVersionConflictError) return kept('left');
    throw error;
  }
  deps.onSettled?.(ended);
  deps.logger.warn('Ended a job whose message SQS moved to the DLQ', {
    jobId: job.id,
    from: job.status,
    to: ended.status,
  });
  if (ended.status === 'Canceled') {
    const removed = await inbox.remove(letter.handle).then(
      () => true,
      (error: unknown) => {
        deps.logger.warn('Could not delete the dead letter of a canceled job', { jobId: job.id, error });
        return false;
      },
    );
    return { outcome: 'canceled', removed };
  }
  const removed = await replace(deps, inbox, letter, ended, ended.error ?? receiveLimitError());
  return { outcome: 'failed', removed };
}

/**
 * The record of a job SQS gave up on: Canceled if its owner asked (a running job's cancel waits
 * for a claim that will not come), else Failed with `RECEIVE_LIMIT_EXCEEDED`. History: a running
 * attempt is `abandoned`; a waiting job's deliveries count as one more attempt, failed before it
 * started (so `attempt` and the history keep agreeing when a redrive runs it again).
 */
function endedJob(deps: ReconcileDeadLettersDeps, job: Job, now: Date): Job {
  const expiresAt = expiryAfter(now, deps.retentionSeconds);
  if (job.status === 'InProgress' && job.cancelRequestedAt !== undefined) {
    const error = canceledError(job.id);
    return transition(job, 'Canceled', now, {
      error,
      retryDelayUntil: undefined,
      expiresAt,
      history: withAttempt(job, 'canceled', now, error.code),
    });
  }
  const error = receiveLimitError();
  if (job.status === 'InProgress') {
    return transition(job, 'Failed', now, {
      error,
      retryDelayUntil: undefined,
      expiresAt,
      history: withAttempt(job, 'abandoned', now, error.code),
    });
  }
  const { startedAt: _startedAt, ...waiting } = job;
  const attempt = job.attempt + 1;
  return transition(job, 'Failed', now, {
    error,
    attempt,
    retryDelayUntil: undefined,
    expiresAt,
    history: withAttempt({ ...waiting, attempt }, 'failed', now, error.code),
  });
}

function receiveLimitError(): JobErrorInfo {
  return {
    code: RECEIVE_LIMIT_EXCEEDED,
    message:
      "SQS moved the job's message to the dead-letter queue after maxReceiveCount receives without an outcome (throttled, crashed or deferred deliveries)",
  };
}

/**
 * Replaces an SQS-moved message by the copy our writers send (same queue, `errorCode` and
 * `errorMessage` attributes): the copy first, then the original, so a failure leaves an extra
 * copy at worst. @returns whether the original is gone
 */
async function replace(
  deps: ReconcileDeadLettersDeps,
  inbox: DeadLetterInbox,
  letter: InboxLetter,
  job: Job,
  error: JobErrorInfo,
): Promise<boolean> {
  try {
    await inbox.send(job, error);
  } catch (cause) {
    deps.logger.error('Could not annotate a dead letter; the next run tries again', {
      jobId: job.id,
      error: cause,
    });
    return false;
  }
  try {
    await inbox.remove(letter.handle);
    return true;
  } catch (cause) {
    // The original stays beside its annotated copy; the next run annotates it again, and a
    // redrive deletes the extra copy as stale.
    deps.logger.warn('Could not delete a dead letter after annotating it', { jobId: job.id, error: cause });
    return false;
  }
}
