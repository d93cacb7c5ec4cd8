import { Annotations, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { JobSettings } from '../lambdas/core/job-settings';
import { METRICS_NAMESPACE } from '../lambdas/metric-names';
import { lanesOf, sqsQueueUrlPrefix } from '../lambdas/queue-names';
import { Env, highPriorityKey } from '../lambdas/runtime-env';
import { type StageConfig, sweeperStaleAfterSeconds } from './config';
import { JobApi } from './constructs/job-api';
import type { JobFunction } from './constructs/job-function';
import { JobMonitoring } from './constructs/job-monitoring';
import { JobSweeper } from './constructs/job-sweeper';
import { JOB_TABLE_INDEX_NAMES, JobTable } from './constructs/job-table';
import { JobTypeProcessor } from './constructs/job-type-processor';
import { PayloadBucket, type PayloadKind } from './constructs/payload-bucket';
import { checkFunctionEnvironments } from './function-environment-size';
import { checkResourceLimit } from './stack-limits';

/** Props of {@link AsyncEndpointsStack}. */
export interface AsyncEndpointsStackProps extends StackProps {
  /** The validated stage config (see `loadConfig`). */
  readonly config: StageConfig;
}

/**
 * The whole service: job table, one queue + DLQ + processor per job type, the REST API, and
 * monitoring. Composition only; every resource is defined in `constructs/`.
 */
export class AsyncEndpointsStack extends Stack {
  public readonly table: JobTable;
  /** Processors by job type name, in catalog order. */
  public readonly processors: Readonly<Record<string, JobTypeProcessor>>;
  public readonly api: JobApi;
  public readonly monitoring: JobMonitoring;
  public readonly sweeper: JobSweeper;
  public readonly payloads: PayloadBucket;

  constructor(scope: Construct, id: string, props: AsyncEndpointsStackProps) {
    super(scope, id, {
      description: 'Asynchronous HTTP job endpoints: API Gateway, Lambda, SQS and DynamoDB',
      // CloudFormation takes at most 1 MB of template; indentation alone is a quarter of it, and
      // the dashboard grows with the job types: without it a stage near 500 resources is over.
      suppressTemplateIndentation: true,
      ...props,
    });
    const { config } = props;
    for (const notice of [config.concurrencyNotice, config.apiGatewayAccountNotice]) {
      if (notice) Annotations.of(this).addInfo(notice);
    }
    // Fixed-size values only in the environments: the queues' URLs follow from one prefix (from
    // pseudo parameters) and the job names; per-job-type data is baked into the bundles.
    const queueUrlPrefix = sqsQueueUrlPrefix({
      region: this.region,
      urlSuffix: this.urlSuffix,
      account: this.account,
      stackName: config.stackName,
    });
    const stageLanes = lanesOf(config.jobTypes);
    const settingsOverrides = JSON.parse(config.jobSettingsJson) as Record<string, Partial<JobSettings>>;
    const shared = {
      queueUrlPrefix,
      retentionDays: config.retentionDays,
      serviceName: config.stackName,
      metricsNamespace: METRICS_NAMESPACE,
      logRetention: config.logRetentionDays,
      removalPolicy: config.removalPolicy,
    };

    this.table = new JobTable(this, 'Jobs', {
      removalPolicy: config.removalPolicy,
      warmThroughput: config.table.warmThroughput,
    });

    const processors: Record<string, JobTypeProcessor> = {};
    for (const job of config.jobTypes) {
      processors[job.name] = new JobTypeProcessor(this, `JobType-${job.name}`, {
        ...shared,
        job,
        stackName: config.stackName,
        settingsOverrides: settingsOverrides[job.name],
        table: this.table.table,
      });
    }
    this.processors = processors;
    // Job name (and `<name>:high` for a high-priority lane) -> queue: the functions that send to
    // a job type's queues get both lanes through the same IAM statement.
    const queues: Record<string, sqs.IQueue> = Object.fromEntries(
      Object.entries(processors).flatMap(([name, p]) => [
        [name, p.queue],
        ...(p.highPriority ? [[highPriorityKey(name), p.highPriority.queue] as const] : []),
      ]),
    );

    this.api = new JobApi(this, 'JobApi', {
      ...shared,
      table: this.table.table,
      queues,
      stackName: config.stackName,
      lanes: stageLanes,
      settingsOverrides,
      maxBodyBytes: config.maxBodyBytes,
      pollIntervals: Object.fromEntries(
        config.jobTypes.map((job) => [job.name, job.settings.pollIntervalSeconds]),
      ),
      stageName: config.apiStageName,
      throttle: config.apiThrottle,
      apiKeys: config.apiKeys,
      manageApiGatewayAccount: config.manageApiGatewayAccount,
    });

    // Large inputs and results (claim check): submit writes inputs, processors read inputs and
    // write results, get-job reads results (to presign them). No other function touches it.
    this.payloads = new PayloadBucket(this, 'Payloads', {
      retentionDays: config.retentionDays,
      removalPolicy: config.removalPolicy,
    });
    const payloadUsers: { fn: JobFunction; put?: PayloadKind; get?: PayloadKind }[] = [
      { fn: this.api.submitFunction, put: 'input' },
      { fn: this.api.getJobFunction, get: 'result' },
      ...Object.values(processors).map((p) => ({ fn: p.processor, put: 'result', get: 'input' }) as const),
    ];
    for (const { fn, put, get } of payloadUsers) {
      fn.function.addEnvironment(Env.PayloadBucket, this.payloads.bucket.bucketName);
      fn.function.addEnvironment(Env.CompressAboveBytes, String(config.compressAboveBytes));
      if (put) this.payloads.grantPut(fn.role, put);
      if (get) this.payloads.grantGet(fn.role, get);
    }

    this.sweeper = new JobSweeper(this, 'Sweeper', {
      table: this.table.table,
      stackName: config.stackName,
      queueUrlPrefix,
      lanes: stageLanes,
      staleAfterSeconds: sweeperStaleAfterSeconds(config),
      intervalMinutes: config.sweeper.intervalMinutes,
      maxJobsPerRun: config.sweeper.maxJobsPerRun,
      retentionDays: config.retentionDays,
      serviceName: config.stackName,
      logRetention: config.logRetentionDays,
      removalPolicy: config.removalPolicy,
    });

    // Every function that writes the table computes the index keys, and every reader queries
    // shards 0..N-1: all of them must use the stage's counts.
    const tableUsers: JobFunction[] = [
      this.api.submitFunction,
      this.api.getJobFunction,
      this.api.listJobsFunction,
      this.api.cancelJobFunction,
      this.api.retryJobFunction,
      this.api.redriveFunction,
      ...Object.values(processors).map((p) => p.processor),
      this.sweeper.function,
    ];
    for (const fn of tableUsers) {
      fn.function.addEnvironment(Env.TableActiveShards, String(config.table.activeShards));
      fn.function.addEnvironment(Env.TableOwnerShards, String(config.table.ownerShards));
    }

    this.monitoring = new JobMonitoring(this, 'Monitoring', {
      serviceName: config.stackName,
      metricsNamespace: METRICS_NAMESPACE,
      api: this.api.api,
      apiStageName: config.apiStageName,
      apiFunctions: {
        submit: this.api.submitFunction.function,
        'get-job': this.api.getJobFunction.function,
        'list-jobs': this.api.listJobsFunction.function,
        'cancel-job': this.api.cancelJobFunction.function,
        'retry-job': this.api.retryJobFunction.function,
        redrive: this.api.redriveFunction.function,
      },
      table: this.table.table,
      tableIndexNames: JOB_TABLE_INDEX_NAMES,
      sweeper: { function: this.sweeper.function.function, intervalMinutes: config.sweeper.intervalMinutes },
      alarmEmail: config.alarmEmail,
      removalPolicy: config.removalPolicy,
      // The profile's count thresholds ("at least N") as the construct's "more than N - 1".
      thresholds: {
        maxDeadLetterMessages: config.alarms.deadLetterMessages - 1,
        maxProcessorThrottles: config.alarms.processorThrottles - 1,
        maxApi5xxErrors: config.alarms.api5xxErrors,
        maxProcessorErrors: config.alarms.processorErrors,
      },
      jobTypes: config.jobTypes.map((job) => {
        const p = processors[job.name] as JobTypeProcessor;
        return {
          name: job.name,
          queues: [
            {
              queue: p.queue,
              deadLetterQueue: p.deadLetterQueue,
              maxMessageAgeSeconds: job.maxMessageAgeSeconds,
            },
            ...(p.highPriority
              ? [
                  {
                    queue: p.highPriority.queue,
                    deadLetterQueue: p.highPriority.deadLetterQueue,
                    label: 'high',
                    maxMessageAgeSeconds: job.maxMessageAgeSeconds,
                  },
                ]
              : []),
          ],
          processor: p.processor.function,
        };
      }),
    });

    // At synth, once the tree is complete: Lambda's 4 KB environments and CloudFormation's 500
    // resources, refused here by name rather than by a failed deploy.
    this.node.addValidation({
      validate: () => [
        ...checkFunctionEnvironments(this),
        ...checkResourceLimit(this, config.jobTypes.length),
      ],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the job API stage' });
    // RestApi adds its own `Endpoint` output with the same URL; `ApiUrl` is the one the CLI reads.
    this.api.api.node.tryRemoveChild('Endpoint');
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'Job table' });
    new CfnOutput(this, 'PayloadBucketName', {
      value: this.payloads.bucket.bucketName,
      description: 'Bucket of inputs and results too large for the job table',
    });
    new CfnOutput(this, 'DashboardName', {
      value: this.monitoring.dashboard.dashboardName,
      description: 'CloudWatch dashboard (alarm status and overview first)',
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: this.monitoring.dashboardUrl,
      description: 'CloudWatch dashboard in the console',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.alarmTopic.topicArn,
      description: 'SNS topic every alarm notifies (subscribe to it; npm run test:cloud checks delivery)',
    });
  }
}
