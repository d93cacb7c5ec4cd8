/**
 * The event source's limits a plan meets, in the mode the plan picked: standard mode
 * (`MaximumConcurrency` up to 1,000, +300 a minute from 5) or provisioned mode (pollers up to
 * 2,000, 10 invocations each, +1,000 a minute from the minimum pollers).
 */
import { PROVISIONED_POLLERS } from '../lambdas/core/job-settings';
import {
  ESM_PROVISIONED_SCALE_UP_PER_MINUTE,
  ESM_SCALE_UP_PER_MINUTE,
  ESM_START_CONCURRENCY,
} from './assumptions';
import { AWS_LIMITS } from './limits';
import type { Concurrency, RecommendedSettings } from './plan';
import type { QuotaCheck } from './quotas';
import { count } from './units';

/** The concurrency ceiling of one event source, then its scale-up from idle. */
export function eventSourceChecks(
  concurrency: Concurrency,
  settings: Pick<RecommendedSettings, 'maxConcurrency' | 'provisionedPollers'>,
): QuotaCheck[] {
  const needed = concurrency.invocationsNeeded;
  const pollers = settings.provisionedPollers;
  if (!pollers) {
    return [
      {
        name: 'SQS event source MaximumConcurrency (standard mode, per mapping, hard)',
        limit: AWS_LIMITS.esmMaxConcurrency,
        needed,
        unit: 'invocations',
        // The planner switches to provisioned mode past this limit, so standard mode fits.
        status: 'ok',
        advice: 'one event source in standard mode suffices',
      },
      rampCheck(
        'standard',
        settings.maxConcurrency,
        ESM_START_CONCURRENCY,
        ESM_SCALE_UP_PER_MINUTE,
        'Provisioned mode scales 1,000/min and keeps a minimum of pollers warm',
      ),
    ];
  }
  const limit = AWS_LIMITS.esmProvisionedMaxConcurrency;
  const perPoller = PROVISIONED_POLLERS.invocationsPerPoller;
  const floor = pollers.minimum * perPoller;
  const mean = Math.ceil(concurrency.invocationsInFlight - 1e-9);
  const carriesMean =
    floor >= mean
      ? `the ${pollers.minimum} minimum pollers (${count(floor)} invocations) carry the mean load (${count(mean)}) and are billed while idle`
      : `the ${pollers.minimum} minimum pollers (Lambda's most; ${count(floor)} invocations) carry part of the mean load (${count(mean)}), and are billed while idle`;
  return [
    {
      name: 'SQS event source concurrency (provisioned mode, per mapping, hard)',
      limit,
      needed,
      unit: 'invocations',
      status: needed <= limit ? 'ok' : 'redesign',
      advice:
        needed <= limit
          ? `provisionedPollers { minimum: ${pollers.minimum}, maximum: ${pollers.maximum} }: ${count(pollers.maximum)} pollers x ${perPoller} = ${count(settings.maxConcurrency)} concurrent invocations at most; ${carriesMean}`
          : `past ${count(limit)} concurrent invocations one event source cannot keep up: raise batchSize (with a batching window) for I/O jobs, shorten the jobs, or split the work over several job types`,
    },
    rampCheck(
      'provisioned',
      settings.maxConcurrency,
      floor,
      ESM_PROVISIONED_SCALE_UP_PER_MINUTE,
      `The minimum pollers take ${count(floor)} at once`,
    ),
  ];
}

function rampCheck(
  mode: 'standard' | 'provisioned',
  target: number,
  start: number,
  perMinute: number,
  note: string,
): QuotaCheck {
  const toAdd = Math.max(0, target - start);
  const minutes = toAdd / perMinute;
  return {
    name: `SQS event source scale-up (${mode} mode)`,
    limit: perMinute,
    needed: toAdd,
    unit: `invocations to add (at ${count(perMinute)} a minute)`,
    status: 'ok',
    advice:
      minutes <= 1
        ? 'reaches the needed concurrency within a minute'
        : `from idle, reaching ${count(target)} concurrent invocations takes about ${minutes.toFixed(1)} min (+${count(perMinute)}/min); the queue absorbs the backlog meanwhile. ${note}`,
  };
}
