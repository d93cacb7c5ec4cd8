import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../lambdas/metric-names';
import { type StageConfig, sweeperStaleAfterSeconds } from './config';
import { JobApi } from './constructs/job-api';
import { JobMonitoring } from './constructs/job-monitoring';
import { JobSweeper } from './constructs/job-sweeper';
import { JobTable } from './constructs/job-table';
import { JobTypeProcessor } from './constructs/job-type-processor';

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

  constructor(scope: Construct, id: string, props: AsyncEndpointsStackProps) {
    super(scope, id, {
      description: 'Asynchronous HTTP job endpoints: API Gateway, Lambda, SQS and DynamoDB',
      ...props,
    });
    const { config } = props;
    const shared = {
      jobSettingsJson: config.jobSettingsJson,
      retentionDays: config.retentionDays,
      serviceName: config.stackName,
      metricsNamespace: METRICS_NAMESPACE,
      logRetention: config.logRetentionDays,
      removalPolicy: config.removalPolicy,
    };

    this.table = new JobTable(this, 'Jobs', { removalPolicy: config.removalPolicy });

    const processors: Record<string, JobTypeProcessor> = {};
    for (const job of config.jobTypes) {
      processors[job.name] = new JobTypeProcessor(this, `JobType-${job.name}`, {
        ...shared,
        job,
        table: this.table.table,
      });
    }
    this.processors = processors;

    this.api = new JobApi(this, 'JobApi', {
      ...shared,
      table: this.table.table,
      queues: Object.fromEntries(Object.entries(processors).map(([name, p]) => [name, p.queue])),
      deadLetterQueues: Object.fromEntries(
        Object.entries(processors).map(([name, p]) => [name, p.deadLetterQueue]),
      ),
      maxBodyBytes: config.maxBodyBytes,
      stageName: config.apiStageName,
      throttle: config.apiThrottle,
      apiKeys: config.apiKeys,
      manageApiGatewayAccount: config.manageApiGatewayAccount,
    });

    this.sweeper = new JobSweeper(this, 'Sweeper', {
      table: this.table.table,
      queues: Object.fromEntries(Object.entries(processors).map(([name, p]) => [name, p.queue])),
      deadLetterQueues: Object.fromEntries(
        Object.entries(processors).map(([name, p]) => [name, p.deadLetterQueue]),
      ),
      staleAfterSeconds: sweeperStaleAfterSeconds(config),
      intervalMinutes: config.sweeper.intervalMinutes,
      maxJobsPerRun: config.sweeper.maxJobsPerRun,
      retentionDays: config.retentionDays,
      serviceName: config.stackName,
      logRetention: config.logRetentionDays,
      removalPolicy: config.removalPolicy,
    });

    this.monitoring = new JobMonitoring(this, 'Monitoring', {
      serviceName: config.stackName,
      metricsNamespace: METRICS_NAMESPACE,
      api: this.api.api,
      alarmEmail: config.alarmEmail,
      removalPolicy: config.removalPolicy,
      jobTypes: config.jobTypes.map((job) => {
        const p = processors[job.name] as JobTypeProcessor;
        return { job, queue: p.queue, deadLetterQueue: p.deadLetterQueue, processor: p.processor.function };
      }),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the job API stage' });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName, description: 'Job table' });
    new CfnOutput(this, 'DashboardName', {
      value: this.monitoring.dashboard.dashboardName,
      description: 'CloudWatch dashboard',
    });
  }
}
