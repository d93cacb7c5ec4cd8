/**
 * What the functions need of the resolved stage config at run time, derived from it: the
 * settings each must lay over its job files, and the sweeper's staleness thresholds.
 */
import { type JobSettings, resolveJobSettings } from '../lambdas/core/job-settings';
import type { JobType } from '../lambdas/core/job-type';
import type { StageConfig } from './config-types';
import type { JobTypeConfig } from './job-type-checks';

/**
 * What the Lambdas must lay over each job file's settings to run with the settings the stack
 * provisioned: the fields where the resolved settings differ from what the runtime's own
 * resolution of the file (kind defaults included) gives. The profile's layer is in it, so the
 * functions never need to know the profile.
 */
export function runtimeOverrides(
  definitions: readonly JobType[],
  jobs: readonly JobTypeConfig[],
): Record<string, Partial<JobSettings>> {
  const result: Record<string, Partial<JobSettings>> = {};
  for (const job of jobs) {
    const definition = definitions.find((d) => d.name === job.name);
    const runtime: JobSettings = resolveJobSettings(definition?.settings);
    const diff = Object.fromEntries(
      Object.entries(job.settings).filter(
        // Poller ranges are objects: compare them by value.
        ([key, value]) => JSON.stringify(runtime[key as keyof JobSettings]) !== JSON.stringify(value),
      ),
    );
    if (Object.keys(diff).length > 0) result[job.name] = diff;
  }
  return result;
}

/**
 * Job name -> seconds after its last update that a Queued or Scheduled job counts as lost (its
 * message may be gone) and the sweeper sends its message again: the job type's
 * `maxMessageAgeSeconds`, the longest a healthy message may wait, so a long but healthy backlog
 * is not duplicated.
 */
export function sweeperStaleAfterSeconds(config: Pick<StageConfig, 'jobTypes'>): Record<string, number> {
  return Object.fromEntries(config.jobTypes.map((job) => [job.name, job.maxMessageAgeSeconds]));
}
