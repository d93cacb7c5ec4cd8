import type { Job } from '../core/job';
import type { JobSettings } from '../core/job-settings';

/**
 * The `Retry-After` a poller should honour: until the retry is due for a Scheduled job,
 * the job type's poll interval otherwise.
 */
export function pollAfterSeconds(
  job: Job,
  settings: Pick<JobSettings, 'pollIntervalSeconds'>,
  now: Date,
): number {
  if (job.status === 'Scheduled' && job.retryDelayUntil) {
    const wait = Math.ceil((Date.parse(job.retryDelayUntil) - now.getTime()) / 1000);
    return Math.max(settings.pollIntervalSeconds, wait);
  }
  return settings.pollIntervalSeconds;
}
