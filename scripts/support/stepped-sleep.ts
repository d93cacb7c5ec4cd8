/**
 * The catalog's `sleep` job type, reporting its progress: the catalog's sleep reports none, and
 * the console's progress bar needs heartbeats to show (its browser tests and its screenshot).
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { JobTypeDefinition } from '../../lambdas/core/job-type';
import { jobTypes } from '../../lambdas/jobs/catalog';

/**
 * `sleep`, heartbeating `step N of <steps>` after each of `steps` equal parts of its `ms`.
 * @throws Error when the catalog has no `sleep` job type
 */
export function steppedSleep(steps: number): JobTypeDefinition {
  const sleep = jobTypes.find((type) => type.name === 'sleep');
  if (!sleep) throw new Error('The job catalog has no sleep job type to step');
  return {
    ...sleep,
    handler: async (input, { signal, heartbeat }) => {
      const { ms } = input as { ms: number };
      for (let step = 1; step <= steps; step += 1) {
        await delay(ms / steps, undefined, { signal });
        await heartbeat({ percent: Math.round((step / steps) * 100), message: `step ${step} of ${steps}` });
      }
      return { sleptMs: ms };
    },
  };
}

/** The catalog with `sleep` replaced by {@link steppedSleep}. */
export function catalogWithSteppedSleep(steps: number): JobTypeDefinition[] {
  const stepped = steppedSleep(steps);
  return jobTypes.map((type) => (type.name === 'sleep' ? stepped : type));
}
