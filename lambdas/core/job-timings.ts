/**
 * The durations the job metrics report, read from the job record alone (pure), so every
 * component that sees a job measures them the same way.
 */
import type { Job } from './job';

/**
 * Milliseconds a claimed attempt waited in its queue: from when the job became runnable to its
 * claim (`startedAt`). Runnable means:
 *
 * - first attempt: submitted (`createdAt`);
 * - an attempt after a scheduled retry (the previous attempt ended `retry-scheduled`, or
 *   `abandoned` and the sweeper rescheduled it): the end of the backoff (`retryDelayUntil`), so
 *   the backoff the retry policy chose is not counted as waiting.
 *
 * Any other claim (a worker's expired lease re-claimed straight from the queue, the first attempt
 * after an owner retry or a DLQ redrive) has no runnable time on the record: undefined, and no
 * sample is emitted rather than a wrong one.
 *
 * @param claimed the record as the claim returned it (InProgress, `attempt` already incremented)
 */
export function queueWaitMs(claimed: Job): number | undefined {
  const started = Date.parse(claimed.startedAt ?? '');
  if (Number.isNaN(started)) return undefined;
  let readyAt: number;
  if (claimed.attempt === 1) readyAt = Date.parse(claimed.createdAt);
  else {
    const previous = claimed.history?.at(-1);
    const rescheduled = previous?.outcome === 'retry-scheduled' || previous?.outcome === 'abandoned';
    if (previous?.attempt !== claimed.attempt - 1 || !rescheduled || !claimed.retryDelayUntil)
      return undefined;
    readyAt = Date.parse(claimed.retryDelayUntil);
  }
  return Number.isNaN(readyAt) ? undefined : Math.max(0, started - readyAt);
}

/**
 * Milliseconds from submission (`createdAt`) to the terminal state the job is in
 * (`completedAt`); undefined while it is unfinished. A job retried by its owner or redriven
 * keeps its `createdAt`, so its time counts from the first submission.
 */
export function endToEndMs(job: Job): number | undefined {
  if (!job.completedAt) return undefined;
  const ms = Date.parse(job.completedAt) - Date.parse(job.createdAt);
  return Number.isNaN(ms) ? undefined : Math.max(0, ms);
}
