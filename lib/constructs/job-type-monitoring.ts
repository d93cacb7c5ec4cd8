/**
 * One job type's dashboard section and alarms: its job metrics, each lane's queue and
 * dead-letter queue, and its processor.
 *
 * ```
 * # Job type `<name>`
 *   <name> jobs                      throughput | queue wait | processing | end-to-end
 *   <name> queue[ (<label>)]         depth, oldest age (alarm), size, rates, time to drain
 *   <name> dead-letter queue[ (..)]  depth (alarm), oldest age          (per lane)
 *   <name> processor                 TPS, duration, errors (alarm), throttles (alarm) ...
 * ```
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { MonitoringFacade } from 'cdk-monitoring-constructs';
import { type CountAlarmTiming, monitorFunction } from './function-monitoring';
import { jobMetricGroups } from './job-metric-groups';
import type { ResolvedAlarmThresholds } from './monitoring-defaults';
import { QueueWithDlqMonitoring } from './queue-with-dlq-monitoring';

/** One queue of a job type, with its dead-letter queue. */
export interface MonitoredQueue {
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Tells this queue apart from the job type's others, in titles and alarm names (e.g. `high`).
   * @default - none: the job type's main queue
   */
  readonly label?: string;
  /** Alarm threshold on the age of the queue's oldest message, seconds. */
  readonly maxMessageAgeSeconds: number;
}

/** What the monitoring watches for one job type. */
export interface MonitoredJobType {
  /** The job type's name (the `JobName` dimension of its metrics). */
  readonly name: string;
  /** Its queues, each with a DLQ: the main one first. */
  readonly queues: readonly MonitoredQueue[];
  /** Its processor. */
  readonly processor: lambda.IFunction;
}

/** Where the job metrics are and how the alarms evaluate. */
export interface JobTypeMonitoringContext {
  readonly namespace: string;
  readonly serviceName: string;
  readonly thresholds: ResolvedAlarmThresholds;
  readonly timing: CountAlarmTiming;
}

/** Adds `job`'s section (header first) and alarms to the facade. */
export function monitorJobType(
  facade: MonitoringFacade,
  job: MonitoredJobType,
  context: JobTypeMonitoringContext,
): void {
  const n = job.name;
  const t = context.thresholds;
  // SQS publishes queue metrics every minute, and none for a queue idle for hours: that is
  // an empty queue, not a broken one.
  const perMinute = {
    ...context.timing,
    period: Duration.minutes(1),
    treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
  facade.addLargeHeader(`Job type \`${n}\``).monitorCustom({
    humanReadableName: `${n} jobs`,
    alarmFriendlyName: `${n}-jobs`,
    metricGroups: jobMetricGroups({
      namespace: context.namespace,
      serviceName: context.serviceName,
      jobName: n,
    }),
  });
  for (const q of job.queues) {
    const name = q.label ? `${n}-${q.label}` : n;
    const lane = q.label ? ` (${q.label})` : '';
    const props = {
      queue: q.queue,
      deadLetterQueue: q.deadLetterQueue,
      humanReadableName: `${n} queue${lane}`,
      deadLetterQueueHumanReadableName: `${n} dead-letter queue${lane}`,
      alarmFriendlyName: name,
      addQueueMaxMessageAgeAlarm: {
        Critical: {
          ...perMinute,
          maxAgeInSeconds: q.maxMessageAgeSeconds,
          alarmDescriptionOverride: `'${name}' queue's oldest message is older than ${q.maxMessageAgeSeconds} s, the longest a healthy job waits: processing is stuck, throttled or too slow. Check the '${n}' processor's errors, throttles and concurrency.`,
        },
      },
      addDeadLetterQueueMaxSizeAlarm: {
        Critical: {
          ...perMinute,
          maxMessageCount: t.maxDeadLetterMessages,
          alarmDescriptionOverride: `'${name}' jobs reached the dead-letter queue (more than ${t.maxDeadLetterMessages}): jobs failed for good. Read their errors (GET /jobs/{id}), fix the cause, then redrive.`,
        },
      },
    };
    facade.addSegment(new QueueWithDlqMonitoring(facade, props));
  }
  monitorFunction(facade, {
    function: job.processor,
    title: `${n} processor`,
    alarmName: `${n}-processor`,
    timing: context.timing,
    maxErrors: t.maxProcessorErrors,
    errorsDescription: `The '${n}' processor failed more than ${t.maxProcessorErrors} invocations in ${t.periodMinutes} min (crash, timeout, or DynamoDB/SQS errors; job failures are not counted): see its logs and traces.`,
    maxThrottles: t.maxProcessorThrottles,
    throttlesDescription: `The '${n}' processor was throttled more than ${t.maxProcessorThrottles} times in ${t.periodMinutes} min: the account's or its reserved concurrency ran out. Check ConcurrentExecutions and the reservations.`,
  });
}
