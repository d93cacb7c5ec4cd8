/**
 * Provisioned pollers for a workload: how many an event source in provisioned mode needs at the
 * mean load (its always-on minimum) and at the load with headroom (its maximum). A poller runs
 * at most 10 concurrent invocations and makes at most 10 receives a second.
 */
import { type PollerRange, PROVISIONED_POLLERS } from '../lambdas/core/job-settings';
import { HEADROOM } from './assumptions';
import { AWS_LIMITS } from './limits';
import type { Concurrency } from './plan';

/** Receives a second one poller makes at most (Lambda's provisioned mode). */
export const RECEIVES_PER_POLLER_PER_SECOND = 10;

/** Pollers for a workload, with the two needs they cover. */
export interface PollerNeed extends PollerRange {
  /** Mean receives a second: each invocation's batch takes ceil(jobs per invocation / 10). */
  readonly receivesPerSecond: number;
  /** Pollers the concurrency needs, with headroom: invocations needed / 10. */
  readonly forConcurrency: number;
  /** Pollers the receives need, with headroom: receives a second x headroom / 10. */
  readonly forReceives: number;
}

/**
 * The maximum covers the invocations to provision (with headroom) and their receives, within
 * Lambda's 2-2,000. The minimum carries the mean load without any scaling, so steady traffic
 * never waits for the scale-up (1,000 concurrency a minute); minimum pollers are billed while
 * idle, so it stops at the mean (no headroom) and at Lambda's 200.
 */
export function pollersFor(c: Concurrency): PollerNeed {
  const perPoller = PROVISIONED_POLLERS.invocationsPerPoller;
  const receivesPerSecond = (c.jobsPerSecond / c.jobsPerInvocation) * Math.ceil(c.jobsPerInvocation / 10);
  const forConcurrency = c.invocationsNeeded / perPoller;
  const forReceives = (receivesPerSecond * HEADROOM) / RECEIVES_PER_POLLER_PER_SECOND;
  const { minimum: minRange, maximum: maxRange } = PROVISIONED_POLLERS;
  const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, Math.ceil(n - 1e-9)));
  const maximum = clamp(Math.max(forConcurrency, forReceives), maxRange.min, maxRange.max);
  const atMean = Math.max(
    c.invocationsInFlight / perPoller,
    receivesPerSecond / RECEIVES_PER_POLLER_PER_SECOND,
  );
  const minimum = clamp(atMean, minRange.min, Math.min(minRange.max, maximum));
  return { minimum, maximum, receivesPerSecond, forConcurrency, forReceives };
}

/** How the plan scales the job type's event source, and the ceiling it gets. */
export interface LaneScaling {
  /** The lane's concurrency ceiling: `maxConcurrency`, or `maximum x 10` with pollers. */
  readonly maxConcurrency: number;
  /** Set when the event source runs in provisioned mode. */
  readonly provisionedPollers?: PollerRange;
}

/**
 * Standard mode while one event source's `MaximumConcurrency` (1,000) carries the load and the
 * profile does not use provisioned mode; provisioned mode otherwise (`large` does by default),
 * with {@link pollersFor}'s pollers.
 */
export function laneScalingFor(c: Concurrency, profileUsesPollers: boolean): LaneScaling {
  if (!profileUsesPollers && c.invocationsNeeded <= AWS_LIMITS.esmMaxConcurrency) {
    return { maxConcurrency: Math.max(2, c.invocationsNeeded) };
  }
  const { minimum, maximum } = pollersFor(c);
  return {
    maxConcurrency: maximum * PROVISIONED_POLLERS.invocationsPerPoller,
    provisionedPollers: { minimum, maximum },
  };
}
