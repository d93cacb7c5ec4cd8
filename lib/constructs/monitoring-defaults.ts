/**
 * Alarm thresholds of {@link JobMonitoring} and their defaults, kept apart so a stage config
 * (e.g. a scale profile's `alarms` section) can pass any of them through and tests can refer to
 * the same numbers.
 */
import { ConfigError } from '../config-error';

/**
 * Thresholds of the stack's alarms. Every count alarm fires when its metric is *above* the
 * threshold in `datapointsToAlarm` of `evaluationPeriods` consecutive periods. The age of each
 * job queue's oldest message is checked against the job type's own `maxMessageAgeSeconds`.
 */
export interface AlarmThresholds {
  /**
   * Messages in a job type's dead-letter queue above which it alarms (per DLQ).
   * @default 0 - any dead letter
   */
  readonly maxDeadLetterMessages?: number;
  /**
   * Processor invocation errors per period above which it alarms (per job type). Job failures
   * are not invocation errors: the processor reports them as batch item failures.
   * @default 0
   */
  readonly maxProcessorErrors?: number;
  /**
   * Throttled invocations per period above which a processor (per job type) or an API function
   * (per function) alarms. The event source's maximum concurrency keeps SQS-driven invocations
   * under the reserved concurrency, and the API functions reserve none, so a throttle means the
   * account or the function ran out of concurrency.
   * @default 0
   */
  readonly maxProcessorThrottles?: number;
  /**
   * API Gateway 5XX answers per period above which it alarms (stage-wide), and the invocation
   * errors per period above which each API function alarms (a function error is a 5XX to its
   * caller). Rejections the service means (429, 413) are 4XX and do not count.
   * @default 0
   */
  readonly maxApi5xxErrors?: number;
  /**
   * DynamoDB read or write throttle events per period above which it alarms, for the table and
   * for each global secondary index (one alarm each way and each).
   * @default 0
   */
  readonly maxTableThrottledEvents?: number;
  /**
   * Period of the count alarms, minutes. The queue alarms use 1 minute: SQS publishes per minute.
   * @default 5
   */
  readonly periodMinutes?: number;
  /**
   * Consecutive periods each alarm evaluates.
   * @default 1
   */
  readonly evaluationPeriods?: number;
  /**
   * Breaching periods among `evaluationPeriods` that make it alarm.
   * @default 1
   */
  readonly datapointsToAlarm?: number;
}

/** Every threshold, filled in. */
export type ResolvedAlarmThresholds = Required<AlarmThresholds>;

/** Defaults of {@link AlarmThresholds}: at small scale, any of these is worth a look. */
export const ALARM_THRESHOLD_DEFAULTS: ResolvedAlarmThresholds = {
  maxDeadLetterMessages: 0,
  maxProcessorErrors: 0,
  maxProcessorThrottles: 0,
  maxApi5xxErrors: 0,
  maxTableThrottledEvents: 0,
  periodMinutes: 5,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
};

/** CloudWatch's longest alarm evaluation window: period x evaluation periods, minutes. */
const MAX_EVALUATION_MINUTES = 24 * 60;

/**
 * Errors and throttles of the recovery sweeper above which it alarms, per period. Fixed, not a
 * profile's: the sweeper runs on a schedule whatever the traffic, so any failed run is worth a look.
 */
export const SWEEPER_MAX_FAILURES = 0;

/** Sweeper intervals the "did not run" alarm's window spans: one late run must not page anyone. */
export const SWEEPER_SILENT_RUNS = 3;

/**
 * The window of the sweeper's "did not run" alarm: {@link SWEEPER_SILENT_RUNS} intervals, capped
 * at CloudWatch's one-day evaluation window, and never fewer than two intervals.
 *
 * @param intervalMinutes minutes between sweeper runs (`sweeper.intervalMinutes`)
 * @returns the window, minutes
 * @throws ConfigError when two intervals do not fit in one day
 */
export function sweeperSilenceWindowMinutes(intervalMinutes: number): number {
  const window = Math.min(SWEEPER_SILENT_RUNS * intervalMinutes, MAX_EVALUATION_MINUTES);
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || window < 2 * intervalMinutes) {
    throw new ConfigError([
      `sweeper.intervalMinutes must be an integer from 1 to ${MAX_EVALUATION_MINUTES / 2}, got ${intervalMinutes}: the alarm on a sweeper that stopped running watches two runs or more, within CloudWatch's one-day evaluation window`,
    ]);
  }
  return window;
}

/**
 * `thresholds` over the defaults (an `undefined` field keeps its default), checked.
 *
 * @throws ConfigError naming every invalid threshold
 */
export function resolveAlarmThresholds(thresholds: AlarmThresholds = {}): ResolvedAlarmThresholds {
  const defined = Object.fromEntries(Object.entries(thresholds).filter(([, v]) => v !== undefined));
  const t: ResolvedAlarmThresholds = { ...ALARM_THRESHOLD_DEFAULTS, ...defined };
  const problems: string[] = [];
  for (const key of [
    'maxDeadLetterMessages',
    'maxProcessorErrors',
    'maxProcessorThrottles',
    'maxApi5xxErrors',
    'maxTableThrottledEvents',
  ] as const) {
    if (!Number.isFinite(t[key]) || t[key] < 0)
      problems.push(`alarms.${key} must be a number >= 0, got ${t[key]}`);
  }
  for (const key of ['periodMinutes', 'evaluationPeriods', 'datapointsToAlarm'] as const) {
    if (!Number.isInteger(t[key]) || t[key] < 1)
      problems.push(`alarms.${key} must be an integer >= 1, got ${t[key]}`);
  }
  if (t.datapointsToAlarm > t.evaluationPeriods) {
    problems.push(
      `alarms.datapointsToAlarm (${t.datapointsToAlarm}) must not exceed alarms.evaluationPeriods (${t.evaluationPeriods})`,
    );
  }
  if (t.periodMinutes * t.evaluationPeriods > MAX_EVALUATION_MINUTES) {
    problems.push(
      `alarms.periodMinutes x alarms.evaluationPeriods (${t.periodMinutes * t.evaluationPeriods} min) must not exceed one day (${MAX_EVALUATION_MINUTES} min), CloudWatch's longest evaluation window`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return t;
}
