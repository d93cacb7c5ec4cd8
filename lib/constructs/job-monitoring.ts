/**
 * Metrics -> alarms -> dashboard for the API and every job type.
 *
 * Hand-built with the L2 `cloudwatch` module rather than cdk-monitoring-constructs (for now):
 * explicit widgets and alarms that the stack tests assert one by one, no extra dependency, and
 * the EMF job-outcome metrics (our own namespace and dimensions) need custom widgets anyway.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { JOB_NAME_DIMENSION, JobMetric } from '../../lambdas/metric-names';
import type { JobTypeConfig, RemovalPolicyName } from '../config';

/** What {@link JobMonitoring} watches for one job type. */
export interface MonitoredJobType {
  /** The job type and its thresholds. */
  readonly job: JobTypeConfig;
  /** Its queue. */
  readonly queue: sqs.IQueue;
  /** Its dead-letter queue. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Its processor. */
  readonly processor: lambda.IFunction;
  /** Its high-priority queue and DLQ, when it enables priorities. */
  readonly highPriority?: { readonly queue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue };
}

/** The alarms of one job type. */
export interface JobTypeAlarms {
  /** Any message in the dead-letter queue. */
  readonly deadLetters: cloudwatch.Alarm;
  /** The queue's oldest message is older than `maxMessageAgeSeconds`. */
  readonly oldestMessageAge: cloudwatch.Alarm;
  /** The same two alarms on the high-priority queue and DLQ, when there are. */
  readonly highPriority?: {
    readonly deadLetters: cloudwatch.Alarm;
    readonly oldestMessageAge: cloudwatch.Alarm;
  };
}

/** Props of {@link JobMonitoring}. */
export interface JobMonitoringProps {
  /** Dashboard name and the `service` dimension of the EMF metrics (the stack name). */
  readonly serviceName: string;
  /** EMF metrics namespace. */
  readonly metricsNamespace: string;
  /** The REST API. */
  readonly api: apigateway.RestApi;
  /** The job types, in catalog order. */
  readonly jobTypes: readonly MonitoredJobType[];
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

const ONE_MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/** Alarms per job type on the topic, and one dashboard for everything. */
export class JobMonitoring extends Construct {
  public readonly alarmTopic: sns.Topic;
  /**
   * Customer-managed key of the alarm topic. Not `alias/aws/sns`: CloudWatch alarms cannot
   * publish to a topic encrypted with the AWS-managed key, whose key policy cannot grant
   * cloudwatch.amazonaws.com `kms:Decrypt`/`kms:GenerateDataKey*`.
   */
  public readonly alarmTopicKey: kms.Key;
  public readonly dashboard: cloudwatch.Dashboard;
  /** Alarms by job type name. */
  public readonly alarms: Readonly<Record<string, JobTypeAlarms>>;

  private readonly props: JobMonitoringProps;

  constructor(scope: Construct, id: string, props: JobMonitoringProps) {
    super(scope, id);
    this.props = props;

    this.alarmTopicKey = new kms.Key(this, 'AlarmTopicKey', {
      description: `${props.serviceName} alarm topic encryption`,
      enableKeyRotation: true,
      removalPolicy:
        (props.removalPolicy ?? 'retain') === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.alarmTopicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // in a key policy, '*' means this key
        conditions: { StringEquals: { 'aws:SourceAccount': this.alarmTopicKey.stack.account } },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `${props.serviceName} alarms`,
      masterKey: this.alarmTopicKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    const alarmAction = new actions.SnsAction(this.alarmTopic);

    const alarms: Record<string, JobTypeAlarms> = {};
    const queueAlarms = (
      job: JobTypeConfig,
      lane: string,
      queue: sqs.IQueue,
      deadLetterQueue: sqs.IQueue,
    ) => {
      const label = `'${job.name}'${lane ? ` ${lane}` : ''}`;
      const id = `${job.name}${lane ? 'HighPriority' : ''}`;
      const deadLetters = deadLetterQueue
        .metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: cloudwatch.Stats.MAXIMUM })
        .createAlarm(this, `${id}DeadLetters`, {
          alarmDescription: `${label} jobs reached the dead-letter queue: inspect, fix, then redrive.`,
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      const oldestMessageAge = queue
        .metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: cloudwatch.Stats.MAXIMUM })
        .createAlarm(this, `${id}OldestMessageAge`, {
          alarmDescription: `${label} queue's oldest message is older than ${job.maxMessageAgeSeconds} s: processing is stuck, throttled or too slow.`,
          threshold: job.maxMessageAgeSeconds,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
      for (const alarm of [deadLetters, oldestMessageAge]) alarm.addAlarmAction(alarmAction);
      return { deadLetters, oldestMessageAge };
    };
    for (const { job, queue, deadLetterQueue, highPriority } of props.jobTypes) {
      alarms[job.name] = {
        ...queueAlarms(job, '', queue, deadLetterQueue),
        ...(highPriority
          ? {
              highPriority: queueAlarms(
                job,
                'high-priority',
                highPriority.queue,
                highPriority.deadLetterQueue,
              ),
            }
          : {}),
      };
    }
    this.alarms = alarms;

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.serviceName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(...this.apiWidgets());
    for (const monitored of props.jobTypes) this.dashboard.addWidgets(...this.jobTypeWidgets(monitored));
  }

  /** An EMF job metric of one job type, as the Lambdas emit it (Powertools adds `service`). */
  jobMetric(jobName: string, metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.props.metricsNamespace,
      metricName,
      dimensionsMap: { service: this.props.serviceName, [JOB_NAME_DIMENSION]: jobName },
      statistic: cloudwatch.Stats.SUM,
      period: FIVE_MINUTES,
      ...props,
    });
  }

  private apiWidgets(): cloudwatch.IWidget[] {
    const { api } = this.props;
    return [
      new cloudwatch.TextWidget({ markdown: '# API', width: 24, height: 1 }),
      graph('API requests', [api.metricCount({ label: 'Requests', period: FIVE_MINUTES })]),
      graph('API 4XX / 5XX errors', [
        api.metricClientError({ label: '4XX', period: FIVE_MINUTES }),
        api.metricServerError({ label: '5XX', period: FIVE_MINUTES }),
      ]),
      graph('API latency', [
        api.metricLatency({ label: 'p50', statistic: cloudwatch.Stats.p(50), period: FIVE_MINUTES }),
        api.metricLatency({ label: 'p99', statistic: cloudwatch.Stats.p(99), period: FIVE_MINUTES }),
      ]),
    ];
  }

  private jobTypeWidgets({
    job,
    queue,
    deadLetterQueue,
    processor,
    highPriority,
  }: MonitoredJobType): cloudwatch.IWidget[] {
    const n = job.name;
    const max = { statistic: cloudwatch.Stats.MAXIMUM, period: ONE_MINUTE };
    const sum = { statistic: cloudwatch.Stats.SUM, period: FIVE_MINUTES };
    return [
      new cloudwatch.TextWidget({ markdown: `## Job type \`${n}\``, width: 24, height: 1 }),
      graph(`${n}: queue depth`, [
        queue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'Visible' }),
        queue.metricApproximateNumberOfMessagesNotVisible({ ...max, label: 'In flight' }),
        ...(highPriority
          ? [
              highPriority.queue.metricApproximateNumberOfMessagesVisible({
                ...max,
                label: 'High priority: visible',
              }),
            ]
          : []),
      ]),
      graph(
        `${n}: age of oldest message (s)`,
        [queue.metricApproximateAgeOfOldestMessage({ ...max, label: 'Oldest message age' })],
        [{ value: job.maxMessageAgeSeconds, label: 'Alarm' }],
      ),
      graph(`${n}: dead-letter queue depth`, [
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'Dead letters' }),
        ...(highPriority
          ? [
              highPriority.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
                ...max,
                label: 'High priority: dead letters',
              }),
            ]
          : []),
      ]),
      graph(`${n}: processor invocations / errors / throttles`, [
        processor.metricInvocations({ ...sum, label: 'Invocations' }),
        processor.metricErrors({ ...sum, label: 'Errors' }),
        processor.metricThrottles({ ...sum, label: 'Throttles' }),
      ]),
      graph(`${n}: processor duration (ms)`, [
        processor.metricDuration({ label: 'p50', statistic: cloudwatch.Stats.p(50), period: FIVE_MINUTES }),
        processor.metricDuration({ label: 'p99', statistic: cloudwatch.Stats.p(99), period: FIVE_MINUTES }),
      ]),
      graph(
        `${n}: processor concurrent executions`,
        [processor.metric('ConcurrentExecutions', { ...max, label: 'Concurrent executions' })],
        [{ value: job.settings.maxConcurrency, label: 'maxConcurrency' }],
      ),
      graph(`${n}: job outcomes`, [
        this.jobMetric(n, JobMetric.Submitted, { label: 'Submitted' }),
        this.jobMetric(n, JobMetric.Completed, { label: 'Completed' }),
        this.jobMetric(n, JobMetric.Retried, { label: 'Retried' }),
        this.jobMetric(n, JobMetric.Failed, { label: 'Failed' }),
        this.jobMetric(n, JobMetric.DeadLettered, { label: 'Dead-lettered' }),
        this.jobMetric(n, JobMetric.Canceled, { label: 'Canceled' }),
      ]),
      graph(`${n}: job processing time (ms)`, [
        this.jobMetric(n, JobMetric.ProcessingTime, { label: 'p50', statistic: cloudwatch.Stats.p(50) }),
        this.jobMetric(n, JobMetric.ProcessingTime, { label: 'p99', statistic: cloudwatch.Stats.p(99) }),
      ]),
    ];
  }
}

function graph(
  title: string,
  left: cloudwatch.IMetric[],
  leftAnnotations?: cloudwatch.HorizontalAnnotation[],
): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, leftAnnotations, width: 8, height: 6 });
}
