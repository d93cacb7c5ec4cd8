import { JobNotFoundError } from '../errors';
import { isExpired, type Job } from '../job';
import type { Clock, JobStore } from '../ports';

export interface GetJobDeps {
  readonly store: JobStore;
  readonly clock: Clock;
}

/**
 * Returns the caller's job.
 * @throws JobNotFoundError when there is no such job, it is another caller's, or it has expired
 *   (TTL deletion is lazy, so expired records are hidden here)
 */
export async function getJob(deps: GetJobDeps, request: { owner: string; id: string }): Promise<Job> {
  const job = await deps.store.get(request.id);
  if (!job || job.owner !== request.owner || isExpired(job, deps.clock.now())) {
    throw new JobNotFoundError(request.id);
  }
  return job;
}
