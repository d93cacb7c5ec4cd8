/**
 * Puts a Failed job back in its queue: the one move owner retry and DLQ redrive share.
 */

import { expiryAfter, type Job } from './job';
import type { JobLogger } from './job-type';
import type { JobQueue, JobStore } from './ports';
import { transition } from './transition';

/**
 * The Failed job as Queued again, pure: `retryCount` 0, `error`, `result` and `progress`
 * cleared, retention restarted, `history` kept (it holds every attempt's error code), and
 * `requeuedAtAttempt` set so the retry policy gives it its full budget again.
 *
 * @throws InvalidTransitionError when the job is not Failed
 */
export function requeued(job: Job, now: Date, retentionSeconds: number): Job {
  return transition(job, 'Queued', now, {
    error: undefined,
    result: undefined,
    progress: undefined,
    retryCount: 0,
    retryDelayUntil: undefined,
    cancelRequestedAt: undefined,
    expiresAt: expiryAfter(now, retentionSeconds),
    requeuedAtAttempt: job.attempt,
  });
}

/**
 * Sends a just re-queued job's message. If the send fails, the record goes back to Failed with
 * `error` (the record must not stay Queued with no message behind it), and the send's error is
 * rethrown.
 */
export async function sendOrRevert(
  deps: { readonly store: JobStore; readonly logger: JobLogger },
  queue: JobQueue,
  job: Job,
  error: Job['error'],
  now: Date,
): Promise<void> {
  try {
    await queue.enqueue(job);
  } catch (cause) {
    deps.logger.error('Enqueue failed; marking the job failed again', { jobId: job.id, error: cause });
    const failed = transition(job, 'Failed', now, error ? { error } : {});
    await deps.store.update(failed).catch((markError: unknown) => {
      deps.logger.error('Could not mark the job failed again', { jobId: job.id, error: markError });
    });
    throw cause;
  }
}
