import { JobVersionConflictError } from '../errors';
import type { Job } from '../job';
import type { JobLogger } from '../job-type';
import type { Clock, DeadLetter, DeadLetterSource, JobQueue, JobStore } from '../ports';
import { requeued, sendOrRevert } from '../requeue';

/** Most messages one request may handle, and its default. */
export const REDRIVE_MAX_LIMIT = 10_000;
export const REDRIVE_MAX_DEFAULT = 100;
/** Highest and default pace, messages moved per second. */
export const REDRIVE_RATE_LIMIT = 500;
export const REDRIVE_RATE_DEFAULT = 50;
/** Default time budget of one request, ms: well under API Gateway's 29 s integration timeout. */
export const REDRIVE_TIME_BUDGET_MS = 20_000;
/** SQS returns at most 10 messages per receive. */
const RECEIVE_BATCH = 10;

export interface RedriveDeps {
  readonly store: JobStore;
  /** The job type's own queue. */
  readonly queue: JobQueue;
  /** The job type's dead-letter queue. */
  readonly deadLetters: DeadLetterSource;
  readonly clock: Clock;
  /** Waits `ms`: the pacing of `ratePerSecond` (tests pass one that moves a manual clock). */
  readonly sleep: (ms: number) => Promise<void>;
  readonly logger: JobLogger;
  /** How long records are kept, seconds: the TTL restarts when a job is re-queued. */
  readonly retentionSeconds: number;
  /** @default REDRIVE_TIME_BUDGET_MS */
  readonly timeBudgetMs?: number;
}

export interface RedriveRequest {
  /** The job type whose dead letters move. */
  readonly name: string;
  /** Only these jobs (lower-case UUIDs); every dead letter when absent. */
  readonly jobIds?: readonly string[];
  /** Most messages to handle (moved, stale, not found or failed). */
  readonly max: number;
  /** Most messages to handle per second. */
  readonly ratePerSecond: number;
}

/** Why a run stopped. Only `drained` and `all-selected` mean the request did all it asked. */
export type RedriveStop = 'drained' | 'all-selected' | 'max' | 'time-budget';

export interface RedriveResult {
  /** Jobs re-queued: record reset to Queued, message sent, dead letter deleted. */
  moved: number;
  /** Dead letters whose job was no longer Failed (retried already, or a duplicate copy): deleted. */
  stale: number;
  /**
   * Dead letters left in the DLQ: of jobs not selected by `jobIds`, or sent after the run began
   * (a job this run moved that failed again).
   */
  skipped: number;
  /** Dead letters whose job record is gone (expired): deleted. */
  notFound: number;
  /** Dead letters that could not be handled (unreadable body, a failed call): left in the DLQ. */
  errors: number;
  /** False when `max` or the time budget stopped the run first: call again for the rest. */
  complete: boolean;
  stoppedBy: RedriveStop;
}

type Outcome = 'moved' | 'stale' | 'notFound' | 'errors';

/** Read-decide-write rounds per dead letter before a conflict counts as an error. */
const ROUNDS = 3;

/**
 * Moves a job type's dead letters back to its queue, selectively (`jobIds`) or all of them, up
 * to `max` and at most `ratePerSecond`, within a time budget. For each dead letter:
 *
 * ```
 * job Failed   -> put Queued (retryCount 0, error cleared, if unchanged) -> send -> delete the dead letter
 * not Failed   -> delete the dead letter (stale: its owner retried it, or a duplicate copy)
 * no record    -> delete the dead letter (notFound)
 * not selected -> left; made visible again when the run ends
 * sent after the run began -> left, the same way
 * ```
 * The last rule ends the loop a redrive of a job that fails again at once would start (moved,
 * failed, dead-lettered, received again by the same run); the next run takes such copies.
 * The record is reset before the send: a message that found the job still Failed would be
 * dead-lettered again. If the send fails, the record goes back to Failed and the dead letter
 * stays. Received messages stay hidden for the whole run, so each is seen once; those left
 * (skipped, errors, and any received after the budget ran out) are made visible at the end.
 */
export async function redriveDeadLetters(deps: RedriveDeps, request: RedriveRequest): Promise<RedriveResult> {
  const result: RedriveResult = {
    moved: 0,
    stale: 0,
    skipped: 0,
    notFound: 0,
    errors: 0,
    complete: false,
    stoppedBy: 'drained',
  };
  const started = deps.clock.now().getTime();
  const deadline = started + (deps.timeBudgetMs ?? REDRIVE_TIME_BUDGET_MS);
  const wanted = request.jobIds ? new Set(request.jobIds) : undefined;
  const found = new Set<string>();
  const held: string[] = [];
  let handled = 0;

  const stopReason = (): RedriveStop | undefined => {
    if (wanted && found.size >= wanted.size) return 'all-selected';
    if (handled >= request.max) return 'max';
    if (deps.clock.now().getTime() >= deadline) return 'time-budget';
    return undefined;
  };

  try {
    let stop = stopReason();
    while (!stop) {
      // Selective runs scan past what they skip, so they receive full batches.
      const room = wanted ? RECEIVE_BATCH : Math.min(RECEIVE_BATCH, request.max - handled);
      const batch = await deps.deadLetters.receive(room);
      if (batch.length === 0) {
        stop = 'drained';
        break;
      }
      for (const [index, letter] of batch.entries()) {
        stop = stopReason() ?? (await pace(deps, started, handled, request.ratePerSecond, deadline));
        if (stop) {
          held.push(...batch.slice(index).map((l) => l.handle));
          break;
        }
        if (letter.jobId === undefined) {
          deps.logger.warn('Dead letter is not a job message; left in the DLQ', { name: request.name });
          result.errors += 1;
          held.push(letter.handle);
          continue;
        }
        if ((wanted && !wanted.has(letter.jobId)) || (letter.sentAt && letter.sentAt.getTime() >= started)) {
          result.skipped += 1;
          held.push(letter.handle);
          continue;
        }
        handled += 1;
        const outcome = await redriveOne(deps, request.name, letter, letter.jobId);
        result[outcome] += 1;
        if (outcome === 'errors') held.push(letter.handle);
        else found.add(letter.jobId);
      }
      stop ??= stopReason();
    }
    result.stoppedBy = stop;
    result.complete = stop === 'drained' || stop === 'all-selected';
    return result;
  } finally {
    for (const handle of held) {
      await deps.deadLetters.release(handle).catch((error: unknown) => {
        // It becomes visible anyway when its receive's visibility timeout ends.
        deps.logger.warn('Could not release a dead letter', { error });
      });
    }
  }
}

/** Waits for the `handled`-th slot of the pace; `time-budget` when that slot is past the deadline. */
async function pace(
  deps: RedriveDeps,
  started: number,
  handled: number,
  ratePerSecond: number,
  deadline: number,
): Promise<RedriveStop | undefined> {
  const slot = started + (handled * 1000) / ratePerSecond;
  if (slot >= deadline) return 'time-budget';
  const wait = slot - deps.clock.now().getTime();
  if (wait > 0) await deps.sleep(wait);
  return undefined;
}

async function redriveOne(
  deps: RedriveDeps,
  name: string,
  letter: DeadLetter,
  jobId: string,
): Promise<Outcome> {
  try {
    for (let round = 1; ; round++) {
      const job = await deps.store.get(jobId);
      if (!job) {
        await deps.deadLetters.remove(letter.handle);
        return 'notFound';
      }
      if (job.name !== name) {
        deps.logger.error('Dead letter belongs to another job type; left in the DLQ', { jobId, name });
        return 'errors';
      }
      if (job.status !== 'Failed') {
        await deps.deadLetters.remove(letter.handle);
        return 'stale';
      }
      const moved = await move(deps, job);
      if (moved === 'conflict') {
        if (round >= ROUNDS) return 'errors';
        continue;
      }
      await deps.deadLetters.remove(letter.handle).catch((error: unknown) => {
        // The copy comes back later, finds the job no longer Failed and is deleted as stale.
        deps.logger.warn('Could not delete a redriven dead letter', { jobId, error });
      });
      return 'moved';
    }
  } catch (error) {
    deps.logger.error('Could not redrive a dead letter; left in the DLQ', { jobId, error });
    return 'errors';
  }
}

async function move(deps: RedriveDeps, job: Job): Promise<'moved' | 'conflict'> {
  const now = deps.clock.now();
  const next = requeued(job, now, deps.retentionSeconds);
  try {
    await deps.store.update(next);
  } catch (error) {
    if (error instanceof JobVersionConflictError) return 'conflict';
    throw error;
  }
  await sendOrRevert(deps, deps.queue, next, job.error, now);
  return 'moved';
}
