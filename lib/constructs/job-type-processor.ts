import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { JobSettings, PollerRange } from '../../lambdas/core/job-settings';
import { hasHighPriorityLane, type QueueLane, queueName } from '../../lambdas/queue-names';
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
  /** The stage's stack name: the queues are named `<stackName>_<job>[_high][_dlq]`. */
  readonly stackName: string;
  /** URL prefix of the stage's queues: the processor derives its queues' URLs from it. */
  readonly queueUrlPrefix: string;
  /**
   * The overrides the processor lays over the job file's settings (baked into its bundle).
   * @default - none: the file's settings are the provisioned ones
   */
  readonly settingsOverrides?: Partial<JobSettings>;
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
 *
 * With `highPriorityMaxConcurrency` above 0, a second lane: a high-priority queue and DLQ made
 * like the first, and a second event source on the same processor with that `MaximumConcurrency`,
 * so urgent jobs get their own share of the reserved concurrency (which covers both, checked in
 * `lane-checks.ts`) instead of waiting behind the normal backlog.
 *
 * A lane with provisioned pollers (`provisionedPollers`, `highPriorityProvisionedPollers`) gets
 * a `ProvisionedPollerConfig` instead of its `MaximumConcurrency`: its ceiling is then
 * `maximum x 10`, up to 20,000 rather than 1,000.
 */
export class JobTypeProcessor extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly processor: JobFunction;
  /** The event-source mapping of the normal lane. */
  public readonly eventSource: lambda.EventSourceMapping;
  /** The high-priority lane; undefined unless the job type enables priorities. */
  public readonly highPriority?: {
    readonly queue: sqs.Queue;
    readonly deadLetterQueue: sqs.Queue;
    readonly eventSource: lambda.EventSourceMapping;
  };

  constructor(scope: Construct, id: string, props: JobTypeProcessorProps) {
    super(scope, id);
    const { job } = props;
    const s = job.settings;

    const lane = (prefix: string, queueLane: QueueLane) => {
      const deadLetterQueue = new sqs.Queue(this, `${prefix}DeadLetterQueue`, {
        // Named, so the functions derive every URL from one prefix (lambdas/queue-names.ts).
        queueName: queueName(props.stackName, job.name, queueLane, 'dlq'),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        maxMessageSizeBytes: LIMITS.maxMessageSizeBytes,
        // Standard queues keep the original enqueue time on a move, so the DLQ keeps the maximum.
        retentionPeriod: Duration.days(14),
      });
      const queue = new sqs.Queue(this, `${prefix}Queue`, {
        queueName: queueName(props.stackName, job.name, queueLane, 'queue'),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        maxMessageSizeBytes: LIMITS.maxMessageSizeBytes,
        retentionPeriod: Duration.seconds(JOB_QUEUE_RETENTION_SECONDS),
        visibilityTimeout: Duration.seconds(job.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: s.maxReceiveCount },
      });
      allowRedriveOnlyFrom(deadLetterQueue, queue);
      return { queue, deadLetterQueue };
    };
    // The normal lane keeps its original construct ids, so its logical ids (and the alarms and
    // graphs that refer to them) stay; naming the queues replaced them once (docs/deploy.md).
    const normal = lane('', 'normal');
    this.queue = normal.queue;
    this.deadLetterQueue = normal.deadLetterQueue;
    const high = hasHighPriorityLane(s) ? lane('HighPriority', 'high') : undefined;

    this.processor = new JobFunction(this, 'Processor', {
      entry: PROCESSOR_ENTRY,
      description: `Processes '${job.name}' jobs from their queue`,
      timeout: Duration.seconds(s.timeoutSeconds),
      memoryMiB: s.memoryMiB,
      reservedConcurrentExecutions: job.reservedConcurrentExecutions,
      serviceName: props.serviceName,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      environment: {
        [Env.TableName]: props.table.tableName,
        [Env.JobName]: job.name,
        [Env.QueueUrlPrefix]: props.queueUrlPrefix,
        [Env.RetentionDays]: String(props.retentionDays),
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
      },
      manifest: { settings: props.settingsOverrides ? { [job.name]: props.settingsOverrides } : {} },
    });

    // Explicit statements on the table ARN only: `grant*Data` would add `index/*`.
    this.processor.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'],
        resources: [props.table.tableArn],
      }),
    );
    // Each lane scales in its own mode: a MaximumConcurrency, or provisioned pollers (never
    // both: Lambda refuses them together, and the config check proved they agree).
    const consume = (
      queue: sqs.Queue,
      deadLetterQueue: sqs.Queue,
      maxConcurrency: number,
      pollers: PollerRange | undefined,
    ) => {
      // What the event-source mapping does with the function's role (receive, delete, read the
      // queue's attributes) and what the processor does (visibility changes for backoff, copies
      // to the DLQ); not grantConsumeMessages/grantSendMessages, which add GetQueueUrl and a
      // DLQ GetQueueAttributes nothing calls.
      this.processor.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: [
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:GetQueueAttributes',
            'sqs:ChangeMessageVisibility',
          ],
          resources: [queue.queueArn],
        }),
      );
      this.processor.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deadLetterQueue.queueArn] }),
      );
      // The id SqsEventSource gives its mapping, so existing mappings are kept, not replaced.
      return this.processor.function.addEventSourceMapping(
        `SqsEventSource:${Names.nodeUniqueId(queue.node)}`,
        {
          eventSourceArn: queue.queueArn,
          batchSize: s.batchSize,
          maxBatchingWindow:
            s.maxBatchingWindowSeconds > 0 ? Duration.seconds(s.maxBatchingWindowSeconds) : undefined,
          ...(pollers
            ? {
                provisionedPollerConfig: {
                  minimumPollers: pollers.minimum,
                  maximumPollers: pollers.maximum,
                },
              }
            : { maxConcurrency }),
          reportBatchItemFailures: true,
        },
      );
    };
    this.eventSource = consume(this.queue, this.deadLetterQueue, s.maxConcurrency, s.provisionedPollers);
    if (high) {
      this.highPriority = {
        ...high,
        eventSource: consume(
          high.queue,
          high.deadLetterQueue,
          s.highPriorityMaxConcurrency,
          s.highPriorityProvisionedPollers,
        ),
      };
    }
  }

  /** The processor function. */
  get function(): lambda.IFunction {
    return this.processor.function;
  }
}

/**
 * Lets only `queue` name `deadLetterQueue` as its dead-letter target (`RedriveAllowPolicy`
 * `byQueue`), so no other queue of the account can pour its failures into a job type's DLQ,
 * where the sweeper and the admin redrive would take them for this job type's.
 *
 * The source queue's ARN is formatted from its physical name rather than read with `GetAtt`:
 * the queue's `RedrivePolicy` already refers to the DLQ, so a reference back would be a
 * circular dependency. CloudFormation creates the DLQ first, naming a queue that does not exist
 * yet; the queue's `RedrivePolicy` is checked against it when the queue is created.
 *
 * It does not govern `SendMessage`: the redrive allow policy says which source queues may
 * designate this queue as their dead-letter queue (SQS Developer Guide, "Using policies for
 * dead-letter queues"); the copies the processor and the sweeper send to the DLQ themselves
 * are allowed by their roles' `sqs:SendMessage` grants, as before.
 *
 * @throws Error when `queue` has no literal physical name
 */
function allowRedriveOnlyFrom(deadLetterQueue: sqs.Queue, queue: sqs.Queue): void {
  const name = (queue.node.defaultChild as sqs.CfnQueue).queueName;
  if (name === undefined || Token.isUnresolved(name)) {
    throw new Error(`${queue.node.path} needs a literal queueName for its DLQ's redrive allow policy`);
  }
  (deadLetterQueue.node.defaultChild as sqs.CfnQueue).redriveAllowPolicy = {
    redrivePermission: 'byQueue',
    sourceQueueArns: [Stack.of(queue).formatArn({ service: 'sqs', resource: name })],
  };
}
