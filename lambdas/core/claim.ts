import type { Job } from './job';

/**
 * Whether a delivery may claim the job now; the single rule both store adapters implement
 * (the DynamoDB one as a condition expression) and the contract suite checks.
 *
 * - Queued, or Scheduled with its delay elapsed;
 * - InProgress whose lease has expired: the previous worker died or timed out.
 */
export function canClaim(job: Job, now: Date): boolean {
  const at = now.toISOString();
  switch (job.status) {
    case 'Queued':
    case 'Scheduled':
      return job.retryDelayUntil === undefined || job.retryDelayUntil <= at;
    case 'InProgress':
      return job.leaseExpiresAt === undefined || job.leaseExpiresAt < at;
    default:
      return false;
  }
}
