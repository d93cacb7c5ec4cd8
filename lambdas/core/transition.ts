import { InvalidTransitionError } from './errors';
import type { Job } from './job';
import { canTransition, isTerminal, type JobStatus } from './job-status';

/** Fields a transition may change besides the status and its timestamps. */
export type JobPatch = Partial<
  Pick<
    Job,
    | 'result'
    | 'error'
    | 'retryCount'
    | 'attempt'
    | 'retryDelayUntil'
    | 'leaseOwner'
    | 'leaseExpiresAt'
    | 'expiresAt'
    | 'history'
    | 'cancelRequestedAt'
    | 'progress'
    | 'requeuedAtAttempt'
  >
>;

/**
 * Moves a job to `to`, pure: checks the transition table, stamps `lastUpdatedAt`
 * (`startedAt` on InProgress, `completedAt` on a terminal state) and bumps `version`.
 * Keys in `patch` set to `undefined` clear the field.
 *
 * @throws InvalidTransitionError when the table does not allow `job.status -> to`.
 */
export function transition(job: Job, to: JobStatus, now: Date, patch: JobPatch = {}): Job {
  if (!canTransition(job.status, to)) throw new InvalidTransitionError(job.status, to);
  const at = now.toISOString();
  const next: Record<string, unknown> = {
    ...job,
    ...patch,
    status: to,
    lastUpdatedAt: at,
    version: job.version + 1,
  };
  if (to === 'InProgress') next.startedAt = at;
  next.completedAt = isTerminal(to) ? at : undefined;
  if (to !== 'InProgress') {
    // Only a running job holds a lease.
    next.leaseOwner = undefined;
    next.leaseExpiresAt = undefined;
  }
  for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
  return next as unknown as Job;
}
