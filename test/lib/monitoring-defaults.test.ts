import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config-error';
import { ALARM_THRESHOLD_DEFAULTS, resolveAlarmThresholds } from '../../lib/constructs/monitoring-defaults';

describe('resolveAlarmThresholds', () => {
  it('fills every threshold left out, or undefined, with its default', () => {
    expect(resolveAlarmThresholds()).toEqual(ALARM_THRESHOLD_DEFAULTS);
    expect(resolveAlarmThresholds({ maxProcessorErrors: 4, maxApi5xxErrors: undefined })).toEqual({
      ...ALARM_THRESHOLD_DEFAULTS,
      maxProcessorErrors: 4,
    });
  });

  it('names every invalid threshold in one error', () => {
    const error = (() => {
      try {
        resolveAlarmThresholds({
          maxDeadLetterMessages: -1,
          maxApi5xxErrors: Number.NaN,
          periodMinutes: 1.5,
          evaluationPeriods: 2,
          datapointsToAlarm: 3,
        });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'alarms.maxDeadLetterMessages must be a number >= 0, got -1',
      'alarms.maxApi5xxErrors must be a number >= 0, got NaN',
      'alarms.periodMinutes must be an integer >= 1, got 1.5',
      'alarms.datapointsToAlarm (3) must not exceed alarms.evaluationPeriods (2)',
    ]);
  });

  it('refuses an evaluation window longer than one day', () => {
    expect(() => resolveAlarmThresholds({ periodMinutes: 60, evaluationPeriods: 25 })).toThrow(/one day/);
    expect(resolveAlarmThresholds({ periodMinutes: 60, evaluationPeriods: 24 }).evaluationPeriods).toBe(24);
  });
});
