import { JobAlreadyFinishedError, JobNotFoundError, JobVersionConflictError } from '../errors';
import { expiryAfter, isExpired, type Job } from '../job';
import { isTerminal } from '../job-status';
import type { Clock, JobStore } from '../ports';
import { transition } from '../transition';

export interface CancelJobDeps {
  readonly store: JobStore;
  readonly clock: Clock;
  /** How long finished records are kept, seconds: the TTL restarts when a job is canceled. */
  readonly retentionSeconds: number;
}

/**
 * `canceled`: the job is Canceled now. `requested`: it is running; its worker sees the request
 * at its next cancel check (every `cancelCheckSeconds`) or lease renewal, whichever comes
 * first, aborts the handler's signal and records Canceled.
 */
export type CancelResult =
  | { readonly kind: 'canceled'; readonly job: Job }
  | { readonly kind: 'requested'; readonly job: Job };

/** Read-decide-write rounds before a conflict is given up on (the processor writes too). */
export const CANCEL_ATTEMPTS = 5;

/** The `error` a canceled job carries. */
export function canceledError(jobId: string) {
  return { code: 'CANCELED', message: `Job ${jobId} was canceled by its owner` };
}

/**
 * Cancels the caller's job.
 *
 * ```
 * Queued / Scheduled -> Canceled at once (a later delivery finds it Canceled and is acked)
 * InProgress         -> cancelRequestedAt set; the worker stops it
 * finished           -> JobAlreadyFinishedError
 * ```
 * Each write is conditional on the version read; a lost race (a claim, a heartbeat, an outcome)
 * is read again and decided afresh.
 *
 * @throws JobNotFoundError when there is no such job, it is another caller's, or it has expired
 * @throws JobAlreadyFinishedError when the job is Completed, Failed or Canceled
 * @throws JobVersionConflictError when every attempt lost a race
 */
export async function cancelJob(
  deps: CancelJobDeps,
  request: { owner: string; id: string },
): Promise<CancelResult> {
  for (let round = 1; ; round++) {
    const job = await deps.store.get(request.id);
    const now = deps.clock.now();
    if (!job || job.owner !== request.owner || isExpired(job, now)) throw new JobNotFoundError(request.id);
    if (isTerminal(job.status)) throw new JobAlreadyFinishedError(job.id, job.status);
    // Asking twice changes nothing.
    if (job.status === 'InProgress' && job.cancelRequestedAt) return { kind: 'requested', job };
    const result = decide(deps, job, now);
    try {
      await deps.store.update(result.job);
      return result;
    } catch (error) {
      if (!(error instanceof JobVersionConflictError) || round >= CANCEL_ATTEMPTS) throw error;
    }
  }
}

function decide(deps: CancelJobDeps, job: Job, now: Date): CancelResult {
  if (job.status === 'InProgress') {
    // Not `transition()`: InProgress -> InProgress is legal, but it would restamp `startedAt`.
    const at = now.toISOString();
    return {
      kind: 'requested',
      job: { ...job, cancelRequestedAt: at, lastUpdatedAt: at, version: job.version + 1 },
    };
  }
  // Queued or Scheduled: nothing runs it, so it ends here. Its history is unchanged: a
  // Scheduled job's last attempt is already in it, and no attempt was running.
  return {
    kind: 'canceled',
    job: transition(job, 'Canceled', now, {
      error: canceledError(job.id),
      retryDelayUntil: undefined,
      expiresAt: expiryAfter(now, deps.retentionSeconds),
    }),
  };
}
