import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { Env } from '../../lambdas/runtime-env';
import { JOB_QUEUE_RETENTION_SECONDS, type JobTypeConfig, type RemovalPolicyName } from '../config';
import { LIMITS } from '../config-defaults';
import { JobFunction } from './job-function';

/** Processor handler entry, relative to the repository root. */
export const PROCESSOR_ENTRY = 'lambdas/processor/handler.ts';

/** Props of {@link JobTypeProcessor}. */
export interface JobTypeProcessorProps {
  /** The job type, with resolved settings. */
  readonly job: JobTypeConfig;
  /** The job table the processor reads and updates. */
  readonly table: dynamodb.ITable;
  /** JSON of every job type's settings overrides (the same string on every function). */
  readonly jobSettingsJson: string;
  /** Days a finished job stays readable. */
  readonly retentionDays: number;
  /** Powertools service name (the stack name). */
  readonly serviceName: string;
  /** Powertools metrics namespace. */
  readonly metricsNamespace: string;
  /** Log group retention. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log group. */
  readonly removalPolicy: RemovalPolicyName;
}

/**
 * One job type's pipeline: queue -> event source -> processor, with a dead-letter queue as the
 * backstop (`maxReceiveCount` above the retry policy's attempts, checked in `config.ts`).
 */
export class JobTypeProcessor extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly processor: JobFunction;
  public readonly eventSource: SqsEventSource;

  constructor(scope: Construct, id: string, props: JobTypeProcessorProps) {
    super(scope, id);
    const { job } = props;
    const s = job.settings;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: LIMITS.maxMessageSizeBytes,
      // Standard queues keep the original enqueue time on a move, so the DLQ keeps the maximum.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: LIMITS.maxMessageSizeBytes,
      retentionPeriod: Duration.seconds(JOB_QUEUE_RETENTION_SECONDS),
      visibilityTimeout: Duration.seconds(job.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: s.maxReceiveCount },
    });

    this.processor = new JobFunction(this, 'Processor', {
      entry: PROCESSOR_ENTRY,
      description: `Processes '${job.name}' jobs from their queue`,
      timeout: Duration.seconds(s.timeoutSeconds),
      memoryMiB: s.memoryMiB,
      reservedConcurrentExecutions: s.reservedConcurrency,
      serviceName: props.serviceName,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      environment: {
        [Env.TableName]: props.table.tableName,
        [Env.JobName]: job.name,
        [Env.QueueUrl]: this.queue.queueUrl,
        [Env.DeadLetterQueueUrl]: this.deadLetterQueue.queueUrl,
        [Env.JobSettings]: props.jobSettingsJson,
        [Env.RetentionDays]: String(props.retentionDays),
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
      },
    });

    // Explicit statements on the table ARN only: `grant*Data` would add `index/*`.
    this.processor.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
        resources: [props.table.tableArn],
      }),
    );
    this.queue.grantConsumeMessages(this.processor.role);
    this.deadLetterQueue.grantSendMessages(this.processor.role);

    this.eventSource = new SqsEventSource(this.queue, {
      batchSize: s.batchSize,
      maxBatchingWindow:
        s.maxBatchingWindowSeconds > 0 ? Duration.seconds(s.maxBatchingWindowSeconds) : undefined,
      maxConcurrency: s.maxConcurrency,
      reportBatchItemFailures: true,
    });
    this.processor.function.addEventSource(this.eventSource);
  }

  /** The processor function. */
  get function(): lambda.IFunction {
    return this.processor.function;
  }
}
