/**
 * One Lambda function's dashboard section with its errors and throttles alarms: the shape every
 * function of the stack gets (processors, API functions, the sweeper).
 */
import type { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { LambdaFunctionMonitoringOptions, MonitoringFacade } from 'cdk-monitoring-constructs';

/** How a count alarm evaluates. */
export interface CountAlarmTiming {
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** What {@link monitorFunction} watches and how it explains the alarms. */
export interface MonitoredFunction {
  readonly function: lambda.IFunction;
  /** Section title, e.g. `echo processor`. */
  readonly title: string;
  /** Alarm name part after the stack name, e.g. `echo-processor`. */
  readonly alarmName: string;
  readonly timing: CountAlarmTiming;
  /** Invocation errors per period above which it alarms. */
  readonly maxErrors: number;
  /** The errors alarm's description: what it means and what to check. */
  readonly errorsDescription: string;
  /** Throttled invocations per period above which it alarms. */
  readonly maxThrottles: number;
  /** The throttles alarm's description. */
  readonly throttlesDescription: string;
  /**
   * More alarms of this function.
   * @default - none
   */
  readonly more?: Pick<LambdaFunctionMonitoringOptions, 'addMinInvocationsCountAlarm'>;
}

/**
 * Adds `fn`'s section to the facade, with an errors alarm (Critical: failed invocations) and a
 * throttles alarm (Warning: the work is delayed, not lost).
 */
export function monitorFunction(facade: MonitoringFacade, fn: MonitoredFunction): void {
  facade.monitorLambdaFunction({
    lambdaFunction: fn.function,
    humanReadableName: fn.title,
    alarmFriendlyName: fn.alarmName,
    // Neither an SQS event source nor a schedule has an iterator age (Kinesis and DynamoDB streams do).
    isIterator: false,
    addFaultCountAlarm: {
      Critical: {
        ...fn.timing,
        maxErrorCount: fn.maxErrors,
        alarmDescriptionOverride: fn.errorsDescription,
      },
    },
    addThrottlesCountAlarm: {
      Warning: {
        ...fn.timing,
        maxErrorCount: fn.maxThrottles,
        alarmDescriptionOverride: fn.throttlesDescription,
      },
    },
    ...fn.more,
  });
}
