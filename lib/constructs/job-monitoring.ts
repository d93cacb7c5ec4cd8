/**
 * Metrics -> alarms -> dashboards for the API, the job table, the sweeper and every job type,
 * built with cdk-monitoring-constructs' `MonitoringFacade`: one call per monitored resource
 * creates its dashboard section and its alarms together, so the two cannot disagree (each
 * alarm's threshold is drawn on its graph). Our EMF job metrics join through `monitorCustom`.
 * Every alarm notifies the topic on ALARM and on OK, so on-call also sees the recovery.
 *
 * Dashboard layout (see {@link JobDashboards} for the split past 500 widgets):
 * ```
 * Alarms                    status of every alarm, firing first
 * # Overview                jobs submitted/completed/failed, dead letters, oldest message (all types)
 * # API                     stage: requests, latency, 4XX/5XX      (alarm: 5XX)
 *                           each function: TPS, duration, errors, throttles (alarms: errors, throttles)
 * # Job table               capacity, latency, throttles, errors (alarms: read/write throttles,
 *                           one section per index                 table and each index)
 * # Sweeper                 its function                (alarms: errors, throttles, did not run)
 * # Job type `<name>`       one block per job type, see job-type-monitoring.ts
 * ```
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { DefaultDashboardFactory, MonitoringFacade, SnsAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import type { RemovalPolicyName } from '../config';
import { AlarmTopic } from './alarm-topic';
import { dashboardSummaryWidgets } from './dashboard-summary';
import { type CountAlarmTiming, monitorFunction } from './function-monitoring';
import { dashboardConsoleUrl, JobDashboards } from './job-dashboards';
import { type MonitoredJobType, monitorJobType } from './job-type-monitoring';
import {
  type AlarmThresholds,
  type ResolvedAlarmThresholds,
  resolveAlarmThresholds,
  SWEEPER_MAX_FAILURES,
  sweeperSilenceWindowMinutes,
} from './monitoring-defaults';
import { sectionRows } from './section-rows';

export type { MonitoredJobType, MonitoredQueue } from './job-type-monitoring';

/** The recovery sweeper, as {@link JobMonitoring} watches it. */
export interface MonitoredSweeper {
  readonly function: lambda.IFunction;
  /** Minutes between its scheduled runs (`sweeper.intervalMinutes`). */
  readonly intervalMinutes: number;
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
  /**
   * The API's functions by short name (e.g. `submit`): a section and errors and throttles alarms each.
   * @default - none
   */
  readonly apiFunctions?: Readonly<Record<string, lambda.IFunction>>;
  /** The job table. */
  readonly table: dynamodb.ITable;
  /**
   * The table's global secondary indexes; each gets its own throttle alarms.
   * @default - none
   */
  readonly tableIndexNames?: readonly string[];
  /**
   * The recovery sweeper: a section and errors, throttles and "did not run" alarms.
   * @default - not monitored
   */
  readonly sweeper?: MonitoredSweeper;
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

/** Alarms on an SNS topic and the dashboards, with a section per job type. */
export class JobMonitoring extends Construct {
  /** The topic every alarm notifies (KMS-encrypted, TLS-only; `alarmEmail` subscribes to it). */
  public readonly alarmTopic: sns.Topic;
  /** Customer-managed key of the alarm topic (see {@link AlarmTopic.key}). */
  public readonly alarmTopicKey: kms.Key;
  /** The cdk-monitoring-constructs facade. Sections added after construction reach no dashboard. */
  public readonly facade: MonitoringFacade;
  /** The first dashboard (alarm status and overview first), named `<serviceName>-<region>`. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** Every dashboard: the first, then those the job types continue on (`-2`, `-3`...). */
  public readonly dashboards: readonly cloudwatch.Dashboard[];
  /** Console URL of the first dashboard, in the stack's Region. */
  public readonly dashboardUrl: string;
  /** Every alarm, each named `<serviceName>-...` and notifying the topic on ALARM and OK. */
  public readonly alarms: readonly cloudwatch.AlarmBase[];
  /** The thresholds in force. */
  public readonly thresholds: ResolvedAlarmThresholds;

  /** @throws ConfigError naming every invalid threshold, or a sweeper interval no alarm can watch */
  constructor(scope: Construct, id: string, props: JobMonitoringProps) {
    super(scope, id);
    const t = resolveAlarmThresholds(props.thresholds);
    this.thresholds = t;
    const sweeperWindow = props.sweeper && sweeperSilenceWindowMinutes(props.sweeper.intervalMinutes);
    const topic = new AlarmTopic(this, 'Alarms', {
      serviceName: props.serviceName,
      alarmEmail: props.alarmEmail,
      removalPolicy: props.removalPolicy,
    });
    this.alarmTopic = topic.topic;
    this.alarmTopicKey = topic.key;

    this.facade = new MonitoringFacade(this, 'Facade', {
      // Physical names are explicit: the stack name keeps two stages in one account apart.
      alarmFactoryDefaults: {
        alarmNamePrefix: props.serviceName,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.alarmTopic, onOkTopic: this.alarmTopic }),
        datapointsToAlarm: t.datapointsToAlarm,
        evaluationPeriods: t.evaluationPeriods,
      },
      metricFactoryDefaults: {},
      // No dashboard here: JobDashboards lays the sections out below, once every alarm exists
      // (the alarm status opens the first dashboard).
      dashboardFactory: new DefaultDashboardFactory(this, 'Sections', {
        dashboardNamePrefix: props.serviceName,
        createDashboard: false,
      }),
    });
    const timing = {
      period: Duration.minutes(t.periodMinutes),
      evaluationPeriods: t.evaluationPeriods,
      datapointsToAlarm: t.datapointsToAlarm,
    };

    this.facade.addLargeHeader('API').monitorApiGateway({
      api: props.api,
      apiStage: props.apiStageName,
      humanReadableName: 'Job API',
      alarmFriendlyName: 'api',
      add5XXFaultCountAlarm: {
        Critical: {
          ...timing,
          maxErrorCount: t.maxApi5xxErrors,
          alarmDescriptionOverride: `The job API answered more than ${t.maxApi5xxErrors} 5XX in ${t.periodMinutes} min: check the API functions' errors and the SQS and DynamoDB alarms.`,
        },
      },
    });
    for (const [name, fn] of Object.entries(props.apiFunctions ?? {})) {
      monitorFunction(this.facade, {
        function: fn,
        title: `API function ${name}`,
        alarmName: `api-${name}`,
        timing,
        maxErrors: t.maxApi5xxErrors,
        errorsDescription: `The job API's '${name}' function failed more than ${t.maxApi5xxErrors} invocations in ${t.periodMinutes} min, each a 5XX to its caller: see its logs and traces (DynamoDB, SQS or S3 errors, timeouts).`,
        maxThrottles: t.maxProcessorThrottles,
        throttlesDescription: `The job API's '${name}' function was throttled more than ${t.maxProcessorThrottles} times in ${t.periodMinutes} min, failing its callers: the account's Lambda concurrency ran out. Check ConcurrentExecutions and the processors' reservations.`,
      });
    }

    const throttles = (what: string) => ({
      Warning: {
        ...timing,
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

    if (props.sweeper && sweeperWindow) {
      this.monitorSweeper(props.serviceName, props.sweeper, sweeperWindow, timing);
    }
    const overviewEnd = this.facade.createdDashboardSegments().length;

    const jobTypeEnds = props.jobTypes.map((job) => {
      monitorJobType(this.facade, job, {
        namespace: props.metricsNamespace,
        serviceName: props.serviceName,
        thresholds: t,
        timing,
      });
      return this.facade.createdDashboardSegments().length;
    });

    this.alarms = this.facade.createdAlarms().map((a) => a.alarm);
    const segments = this.facade.createdDashboardSegments();
    const lanes = props.jobTypes.flatMap((job) => job.queues);
    const summary = dashboardSummaryWidgets({
      namespace: props.metricsNamespace,
      serviceName: props.serviceName,
      jobNames: props.jobTypes.map((job) => job.name),
      queues: lanes.map((q) => q.queue),
      deadLetterQueues: lanes.map((q) => q.deadLetterQueue),
    });
    const dashboards = new JobDashboards(this, 'Dashboards', {
      name: props.serviceName,
      alarms: this.alarms,
      overview: [new cloudwatch.Row(...summary), ...sectionRows(segments.slice(0, overviewEnd))],
      jobTypes: jobTypeEnds.map((end, i) =>
        sectionRows(segments.slice(jobTypeEnds[i - 1] ?? overviewEnd, end)),
      ),
    });
    this.dashboards = dashboards.dashboards;
    this.dashboard = dashboards.dashboards[0] as cloudwatch.Dashboard;
    this.dashboardUrl = dashboardConsoleUrl(this, dashboards.names[0] as string);
  }

  /** The sweeper's section, its errors and throttles alarms, and the alarm on it not running. */
  private monitorSweeper(
    serviceName: string,
    sweeper: MonitoredSweeper,
    windowMinutes: number,
    timing: CountAlarmTiming,
  ): void {
    const every = `every ${sweeper.intervalMinutes} min`;
    const minutes = timing.period.toMinutes();
    this.facade.addLargeHeader('Sweeper');
    monitorFunction(this.facade, {
      function: sweeper.function,
      title: 'Recovery sweeper',
      alarmName: 'sweeper',
      timing,
      maxErrors: SWEEPER_MAX_FAILURES,
      errorsDescription: `The recovery sweeper (${every}) failed a run in ${minutes} min: jobs whose worker or message was lost are not recovered. See its logs and traces (DynamoDB or SQS errors; a timeout means too many jobs a run: lower sweeper.maxJobsPerRun).`,
      maxThrottles: SWEEPER_MAX_FAILURES,
      throttlesDescription: `The recovery sweeper (${every}) was throttled in ${minutes} min, so its runs are late: the account's Lambda concurrency ran out. Check ConcurrentExecutions and the processors' reservations.`,
      more: {
        addMinInvocationsCountAlarm: {
          Critical: {
            minCount: 1,
            period: Duration.minutes(windowMinutes),
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            // No invocation means no data point at all: that is exactly what this alarm is for.
            treatMissingDataOverride: cloudwatch.TreatMissingData.BREACHING,
            alarmNameOverride: `${serviceName}-sweeper-Not-Running-Critical`,
            alarmDescriptionOverride: `The recovery sweeper did not run in ${windowMinutes} min (${Math.floor(windowMinutes / sweeper.intervalMinutes)} runs due, ${every}): lost jobs are not recovered. Check that its EventBridge rule is enabled and targets the function, and the function's throttles.`,
          },
        },
      },
    });
  }
}
