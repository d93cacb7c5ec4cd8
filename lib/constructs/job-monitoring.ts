/**
 * Metrics -> alarms -> dashboard for the API, the job table and every job type, built with
 * cdk-monitoring-constructs' `MonitoringFacade`: one call per monitored resource creates its
 * dashboard section and its alarms together, so the two cannot disagree (each alarm's threshold
 * is drawn on its graph). Our EMF job metrics join through `monitorCustom`.
 *
 * Dashboard layout (one dashboard, named after the stack):
 * ```
 * # API                     requests, latency, 4XX/5XX           (alarm: 5XX)
 * # Job table               capacity, latency, throttles, errors (alarms: read/write throttles,
 *                           one section per index                 table and each index)
 * # Job type `<name>`       (one block per job type)
 *   jobs:        throughput | queue wait p50/p90/p99 | processing p50/p90/p99 | end-to-end p50/p90/p99
 *   queue(s):    depth, oldest age, DLQ depth ...  (alarms: oldest age vs maxMessageAgeSeconds, DLQ)
 *   processor:   TPS, duration p50/p90/p99, errors, throttles, concurrency (alarms: errors, throttles)
 * ```
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  DashboardRenderingPreference,
  DefaultDashboardFactory,
  MonitoringFacade,
  SnsAlarmActionStrategy,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import type { RemovalPolicyName } from '../config';
import { AlarmTopic } from './alarm-topic';
import { jobMetricGroups } from './job-metric-groups';
import {
  type AlarmThresholds,
  type ResolvedAlarmThresholds,
  resolveAlarmThresholds,
} from './monitoring-defaults';

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

/** What {@link JobMonitoring} watches for one job type. */
export interface MonitoredJobType {
  /** The job type's name (the `JobName` dimension of its metrics). */
  readonly name: string;
  /** Its queues, each with a DLQ: the main one first. */
  readonly queues: readonly MonitoredQueue[];
  /** Its processor. */
  readonly processor: lambda.IFunction;
}

/** Props of {@link JobMonitoring}. */
export interface JobMonitoringProps {
  /** Dashboard name, alarm name prefix and `service` dimension of the EMF metrics (the stack name). */
  readonly serviceName: string;
  /** EMF metrics namespace. */
  readonly metricsNamespace: string;
  /** The REST API. */
  readonly api: apigateway.RestApi;
  /** Its stage name (API Gateway metrics are per stage). */
  readonly apiStageName: string;
  /** The job table. */
  readonly table: dynamodb.ITable;
  /**
   * The table's global secondary indexes; each gets its own throttle alarms.
   * @default - none
   */
  readonly tableIndexNames?: readonly string[];
  /** The job types, in catalog order. */
  readonly jobTypes: readonly MonitoredJobType[];
  /**
   * Alarm thresholds; any field left out keeps its default.
   * @default ALARM_THRESHOLD_DEFAULTS
   */
  readonly thresholds?: AlarmThresholds;
  /**
   * Email address subscribed to the alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Removal policy of the alarm topic's key.
   * @default 'retain'
   */
  readonly removalPolicy?: RemovalPolicyName;
}

/** Alarms on an SNS topic and one dashboard, with a section per job type. */
export class JobMonitoring extends Construct {
  /** The topic every alarm notifies (KMS-encrypted, TLS-only; `alarmEmail` subscribes to it). */
  public readonly alarmTopic: sns.Topic;
  /** Customer-managed key of the alarm topic (see {@link AlarmTopic.key}). */
  public readonly alarmTopicKey: kms.Key;
  /** The cdk-monitoring-constructs facade: more `monitor*` calls add sections and alarms. */
  public readonly facade: MonitoringFacade;
  /** The dashboard, named after the stack. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm, each named `<serviceName>-...` and notifying the topic. */
  public readonly alarms: readonly cloudwatch.AlarmBase[];
  /** The thresholds in force. */
  public readonly thresholds: ResolvedAlarmThresholds;

  constructor(scope: Construct, id: string, props: JobMonitoringProps) {
    super(scope, id);
    const topic = new AlarmTopic(this, 'Alarms', {
      serviceName: props.serviceName,
      alarmEmail: props.alarmEmail,
      removalPolicy: props.removalPolicy,
    });
    this.alarmTopic = topic.topic;
    this.alarmTopicKey = topic.key;
    const t = resolveAlarmThresholds(props.thresholds);
    this.thresholds = t;

    const dashboards = new DefaultDashboardFactory(this, 'Dashboards', {
      dashboardNamePrefix: props.serviceName,
      createDashboard: true,
      createSummaryDashboard: false,
      createAlarmDashboard: false,
      renderingPreference: DashboardRenderingPreference.INTERACTIVE_ONLY,
      detailDashboardRange: Duration.hours(3),
    });
    this.facade = new MonitoringFacade(this, 'Facade', {
      // Physical names are explicit: the stack name keeps two stages in one account apart.
      alarmFactoryDefaults: {
        alarmNamePrefix: props.serviceName,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.alarmTopic }),
        datapointsToAlarm: t.datapointsToAlarm,
        evaluationPeriods: t.evaluationPeriods,
      },
      metricFactoryDefaults: {},
      dashboardFactory: dashboards,
    });
    const counted = {
      period: Duration.minutes(t.periodMinutes),
      evaluationPeriods: t.evaluationPeriods,
      datapointsToAlarm: t.datapointsToAlarm,
    };
    // SQS publishes queue metrics every minute, and none for a queue idle for hours: that is
    // an empty queue, not a broken one.
    const perMinute = {
      ...counted,
      period: Duration.minutes(1),
      treatMissingDataOverride: cloudwatch.TreatMissingData.NOT_BREACHING,
    };

    this.facade.addLargeHeader('API').monitorApiGateway({
      api: props.api,
      apiStage: props.apiStageName,
      humanReadableName: 'Job API',
      alarmFriendlyName: 'api',
      add5XXFaultCountAlarm: {
        Critical: {
          ...counted,
          maxErrorCount: t.maxApi5xxErrors,
          alarmDescriptionOverride: `The job API answered more than ${t.maxApi5xxErrors} 5XX in ${t.periodMinutes} min: check the API functions' errors and the SQS and DynamoDB alarms.`,
        },
      },
    });

    const throttles = (what: string) => ({
      Warning: {
        ...counted,
        maxThrottledEventsThreshold: t.maxTableThrottledEvents,
        alarmDescriptionOverride: `The job table${what} throttled more than ${t.maxTableThrottledEvents} requests in ${t.periodMinutes} min (the SDK retries them): look for a hot key or a burst past on-demand's headroom.`,
      },
    });
    this.facade.addLargeHeader('Job table').monitorDynamoTable({
      table: props.table,
      humanReadableName: 'Job table',
      alarmFriendlyName: 'table',
      addReadThrottledEventsCountAlarm: throttles(''),
      addWriteThrottledEventsCountAlarm: throttles(''),
    });
    for (const indexName of props.tableIndexNames ?? []) {
      this.facade.monitorDynamoTableGlobalSecondaryIndex({
        table: props.table,
        globalSecondaryIndexName: indexName,
        humanReadableName: `Job table index ${indexName}`,
        alarmFriendlyName: `table-${indexName}`,
        addReadThrottledEventsCountAlarm: throttles(`'s ${indexName} index`),
        addWriteThrottledEventsCountAlarm: throttles(`'s ${indexName} index`),
      });
    }

    for (const job of props.jobTypes) {
      const n = job.name;
      this.facade.addLargeHeader(`Job type \`${n}\``).monitorCustom({
        humanReadableName: `${n} jobs`,
        alarmFriendlyName: `${n}-jobs`,
        metricGroups: jobMetricGroups({
          namespace: props.metricsNamespace,
          serviceName: props.serviceName,
          jobName: n,
        }),
      });
      for (const q of job.queues) {
        const name = q.label ? `${n}-${q.label}` : n;
        this.facade.monitorSqsQueueWithDlq({
          queue: q.queue,
          deadLetterQueue: q.deadLetterQueue,
          humanReadableName: `${n} queue${q.label ? ` (${q.label})` : ''}`,
          alarmFriendlyName: name,
          addQueueMaxMessageAgeAlarm: {
            Critical: {
              ...perMinute,
              maxAgeInSeconds: q.maxMessageAgeSeconds,
              alarmDescriptionOverride: `'${name}' queue's oldest message is older than ${q.maxMessageAgeSeconds} s, the longest a healthy job waits: processing is stuck, throttled or too slow.`,
            },
          },
          addDeadLetterQueueMaxSizeAlarm: {
            Critical: {
              ...perMinute,
              maxMessageCount: t.maxDeadLetterMessages,
              alarmDescriptionOverride: `'${name}' jobs reached the dead-letter queue: inspect them, fix the cause, then redrive.`,
            },
          },
        });
      }
      this.facade.monitorLambdaFunction({
        lambdaFunction: job.processor,
        humanReadableName: `${n} processor`,
        alarmFriendlyName: `${n}-processor`,
        // An SQS event source has no iterator age (that is Kinesis and DynamoDB streams).
        isIterator: false,
        addFaultCountAlarm: {
          Critical: {
            ...counted,
            maxErrorCount: t.maxProcessorErrors,
            alarmDescriptionOverride: `The '${n}' processor failed more than ${t.maxProcessorErrors} invocations in ${t.periodMinutes} min (crash, timeout, or DynamoDB/SQS errors): see its logs and traces.`,
          },
        },
        addThrottlesCountAlarm: {
          Warning: {
            ...counted,
            maxErrorCount: t.maxProcessorThrottles,
            alarmDescriptionOverride: `The '${n}' processor was throttled more than ${t.maxProcessorThrottles} times in ${t.periodMinutes} min: the account's or its reserved concurrency ran out.`,
          },
        },
      });
    }

    this.dashboard = dashboards.dashboard as cloudwatch.Dashboard;
    this.alarms = this.facade.createdAlarms().map((a) => a.alarm);
  }
}
