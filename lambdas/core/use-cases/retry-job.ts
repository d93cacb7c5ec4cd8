import { EnqueueFailedError, JobNotFailedError, JobNotFoundError, JobVersionConflictError } from '../errors';
import { isExpired, type Job } from '../job';
import type { JobLogger } from '../job-type';
import type { Clock, JobQueue, JobStore } from '../ports';
import { requeued, sendOrRevert } from '../requeue';
import { ENQUEUE_FAILED } from './submit-job';

export interface RetryJobDeps {
  readonly store: JobStore;
  /** The queue of each job type. */
  readonly queueFor: (jobName: string) => JobQueue;
  readonly clock: Clock;
  readonly logger: JobLogger;
  /** How long records are kept, seconds: the TTL restarts when a job is retried. */
  readonly retentionSeconds: number;
}

/**
 * The owner retries one Failed job: `Failed -> Queued` (retryCount 0, error cleared, history
 * kept, retention restarted), written conditionally on the version read, then re-enqueued.
 *
 * ```
 * read -> Failed? -> put Queued (if unchanged) -> SendMessage -> the Queued job
 *                                                 | fails -> Failed(ENQUEUE_FAILED), 503
 * ```
 * A job whose DLQ copy is still there is fine: a later redrive finds it no longer Failed and
 * deletes the copy as stale.
 *
 * @throws JobNotFoundError when there is no such job, it is another caller's, or it has expired
 * @throws JobNotFailedError when the job is not Failed (also when a concurrent retry or redrive
 *   re-queued it first)
 * @throws EnqueueFailedError when the message could not be sent; the job is Failed again
 */
export async function retryJob(deps: RetryJobDeps, request: { owner: string; id: string }): Promise<Job> {
  const job = await deps.store.get(request.id);
  const now = deps.clock.now();
  if (!job || job.owner !== request.owner || isExpired(job, now)) throw new JobNotFoundError(request.id);
  if (job.status !== 'Failed') throw new JobNotFailedError(job.id, job.status);
  const next = requeued(job, now, deps.retentionSeconds);
  try {
    await deps.store.update(next);
  } catch (error) {
    if (!(error instanceof JobVersionConflictError)) throw error;
    // Only a retry or a redrive writes a Failed job: someone re-queued it first.
    const current = await deps.store.get(job.id);
    throw new JobNotFailedError(job.id, current?.status ?? 'Queued');
  }
  try {
    await sendOrRevert(deps, deps.queueFor(job.name), next, enqueueFailed(), now);
  } catch (cause) {
    throw new EnqueueFailedError(job.id, { cause });
  }
  return next;
}

function enqueueFailed() {
  return { code: ENQUEUE_FAILED, message: 'The job could not be queued; retry it again' };
}
