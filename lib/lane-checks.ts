/**
 * Synth-time checks of a job type's event-source lanes (normal and high priority): each lane's
 * mode (standard `MaximumConcurrency` or provisioned pollers), its ranges, and the reserved
 * concurrency that must cover every lane's ceiling. Used by `job-type-checks.ts`; the reader of
 * the poller objects in cdk.json is here too, so the provisioned mode lives in one file.
 */
import {
  type JobSettings,
  LANE_MODES,
  type PollerRange,
  PROVISIONED_POLLERS,
} from '../lambdas/core/job-settings';
import { describe, isPlainObject, type Problems } from './config-problems';

/** Standard mode's `MaximumConcurrency` range per event source (hard). */
const STANDARD_MAX_CONCURRENCY = { min: 2, max: 1000 } as const;

/** The settings fields holding a {@link PollerRange}, which cdk.json gives as objects. */
export const POLLER_KEYS: readonly string[] = LANE_MODES.map((lane) => lane.provisioned);

/**
 * Reads a `{ minimum, maximum }` object from cdk.json; ranges are checked after resolution.
 * @returns undefined (and a problem) when it is not such an object
 */
export function readPollerRange(p: Problems, value: unknown, at: string): PollerRange | undefined {
  if (!isPlainObject(value)) {
    p.add(`${at} must be an object { minimum, maximum }, got ${describe(value)}`);
    return undefined;
  }
  p.unknownKeys(value, ['minimum', 'maximum'], at);
  const { minimum, maximum } = value;
  if (typeof minimum !== 'number' || typeof maximum !== 'number') {
    p.add(`${at} needs numbers minimum and maximum, got ${describe(value)}`);
    return undefined;
  }
  return { minimum, maximum };
}

/**
 * Checks both lanes' modes and ranges, and that the reservation covers their ceilings. Without a
 * reservation (`reserved` false: the stage's `reservedConcurrency` is 'off') only standard mode
 * is allowed: its `MaximumConcurrency` is then the job type's only bound, and provisioned
 * pollers have none (they would scale into the account's whole unreserved pool).
 */
export function checkLanes(p: Problems, s: JobSettings, at: string, reserved = true): void {
  const names: string[] = [];
  const values: string[] = [];
  for (const { standard, provisioned } of LANE_MODES) {
    const pollers = s[provisioned];
    const ceiling = s[standard];
    // The high-priority lane is off at 0 (and no pollers): nothing to check or reserve.
    if (!pollers && standard === 'highPriorityMaxConcurrency' && ceiling === 0) continue;
    if (!pollers) {
      const { min, max } = STANDARD_MAX_CONCURRENCY;
      if (!Number.isInteger(ceiling) || ceiling < min || ceiling > max) {
        p.add(
          `${at}.${standard} must be an integer in ${min}..${max} (an event source's MaximumConcurrency), got ${ceiling}; set ${provisioned} to go further`,
        );
      }
      names.push(standard);
      values.push(String(ceiling));
      continue;
    }
    checkPollers(p, pollers, `${at}.${provisioned}`);
    const derived = pollers.maximum * PROVISIONED_POLLERS.invocationsPerPoller;
    if (!reserved) {
      p.add(
        `${at}.${provisioned}: provisioned pollers need a reservation, and the stage's reservedConcurrency is 'off': nothing would bound the lane below the account's unreserved pool (up to ${derived} concurrent invocations); set ${standard} (standard mode, 2..1000) instead, or turn reservations on`,
      );
    }
    if (ceiling !== derived) {
      p.add(
        `${at}: set ${standard} or ${provisioned}, not both: in provisioned mode the lane's concurrency is ${provisioned}.maximum x ${PROVISIONED_POLLERS.invocationsPerPoller} (${derived}), not ${standard} ${ceiling}`,
      );
    }
    names.push(`${provisioned}.maximum x ${PROVISIONED_POLLERS.invocationsPerPoller}`);
    values.push(`${pollers.maximum} x ${PROVISIONED_POLLERS.invocationsPerPoller}`);
  }
  // Both event sources share the one function: its reservation must cover both, or one lane is
  // throttled exactly when the other is busy.
  const lanes = s.maxConcurrency + s.highPriorityMaxConcurrency;
  if (reserved && (!Number.isInteger(s.reservedConcurrency) || s.reservedConcurrency < lanes)) {
    const sum =
      values.length === 1 && values[0] === String(lanes) ? values[0] : `${values.join(' + ')} = ${lanes}`;
    p.add(
      `${at}.reservedConcurrency (${s.reservedConcurrency}) must be an integer at least ${names.join(' + ')} (${sum}), or invocations are throttled and messages age toward the DLQ`,
    );
  }
}

function checkPollers(p: Problems, pollers: PollerRange, at: string): void {
  for (const bound of ['minimum', 'maximum'] as const) {
    const { min, max } = PROVISIONED_POLLERS[bound];
    const value = pollers[bound];
    if (!Number.isInteger(value) || value < min || value > max) {
      p.add(`${at}.${bound} must be an integer in ${min}..${max} (SQS provisioned pollers), got ${value}`);
    }
  }
  if (pollers.minimum > pollers.maximum) {
    p.add(`${at}.minimum (${pollers.minimum}) must be at most maximum (${pollers.maximum})`);
  }
}
