/**
 * How many pollers the local event-source emulator runs for a lane, from the same settings the
 * stack provisions: standard mode's `MaximumConcurrency` as is; provisioned mode's ceiling
 * (`maximum` pollers x 10) up to {@link LOCAL_PROVISIONED_CONCURRENCY_CAP}. Scaling between the
 * minimum and the maximum is not emulated: locally every poller runs from the start.
 */
import { type JobSettings, LANE_MODES } from '../lambdas/core/job-settings';

/**
 * Most pollers one provisioned lane runs locally. Each emulated poller is a long-poll loop
 * against the SQS emulator in this one process, which a laptop's couple of cores serve; a lane
 * of 2,000 pollers (20,000 loops) would only add idle receives and swamp the emulator, while
 * 100 already shows more parallelism than the local handlers can use.
 */
export const LOCAL_PROVISIONED_CONCURRENCY_CAP = 100;

/** The emulator's concurrency for a job type's normal or high-priority lane. */
export function localLaneConcurrency(settings: JobSettings, lane: 'normal' | 'highPriority'): number {
  const { standard, provisioned } = LANE_MODES[lane === 'normal' ? 0 : 1];
  const ceiling = settings[standard];
  return settings[provisioned] ? Math.min(ceiling, LOCAL_PROVISIONED_CONCURRENCY_CAP) : ceiling;
}
