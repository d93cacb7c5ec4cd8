import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { StageLanes } from '../../lambdas/queue-names';
import { Env } from '../../lambdas/runtime-env';
import { ACTIVE_INDEX } from '../../lambdas/table-schema';
import type { RemovalPolicyName } from '../config';
import { JobFunction } from './job-function';
import { grantOnStageQueues } from './stage-queue-grants';

/**
 * Sweeper function timeout: the DLQ reconciliation stops starting work after 20 s and a run of
 * 500 jobs takes a few seconds; this leaves ample room.
 */
export const SWEEPER_TIMEOUT = Duration.minutes(1);

/** Props of {@link JobSweeper}. */
export interface JobSweeperProps {
  /** The job table; the sweeper queries its `Active` index and rewrites records. */
  readonly table: dynamodb.ITable;
  /**
   * The stack name, which names the stage's queues: the sweeper sends a lost job's message
   * again to its queue, copies a dead worker's job to its DLQ, and reconciles every DLQ.
   */
  readonly stackName: string;
  /** URL prefix of the stage's queues: the sweeper derives each queue's URL from it. */
  readonly queueUrlPrefix: string;
  /** Every job type and whether it has a high-priority lane. */
  readonly lanes: StageLanes;
  /** Job name -> seconds after which a Queued or Scheduled job's message counts as lost. */
  readonly staleAfterSeconds: Readonly<Record<string, number>>;
  /** Minutes between runs (an EventBridge rate), >= 1. */
  readonly intervalMinutes: number;
  /** Most jobs one run examines. */
  readonly maxJobsPerRun: number;
  /** Days a finished job stays readable (a failed job's TTL restarts). */
  readonly retentionDays: number;
  /** Powertools service name (the stack name). */
  readonly serviceName: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicyName;
}

/**
 * The recovery sweeper: a function on an EventBridge schedule that reconciles the DLQs with the
 * job records and repairs jobs whose worker or message was lost. Its role may Query only the
 * `Active` index, GetItem and PutItem on the table, SendMessage to the job queues and DLQs, and
 * read, release and delete DLQ messages. Its timeout (1 min) is below the shortest interval,
 * so runs do not overlap; if they did, their version-conditional writes would keep them apart.
 */
export class JobSweeper extends Construct {
  public readonly function: JobFunction;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: JobSweeperProps) {
    super(scope, id);
    this.function = new JobFunction(this, 'Sweeper', {
      entry: 'lambdas/sweeper/handler.ts',
      description: 'Recovery sweeper: re-runs jobs whose worker died or whose message was lost',
      timeout: SWEEPER_TIMEOUT,
      memoryMiB: 256,
      serviceName: props.serviceName,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      environment: {
        [Env.TableName]: props.table.tableName,
        [Env.QueueUrlPrefix]: props.queueUrlPrefix,
        [Env.SweeperMaxJobsPerRun]: String(props.maxJobsPerRun),
        [Env.RetentionDays]: String(props.retentionDays),
      },
      manifest: { lanes: props.lanes, staleAfterSeconds: props.staleAfterSeconds },
    });
    const role = this.function.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/${ACTIVE_INDEX.indexName}`],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [props.table.tableArn],
      }),
    );
    // Its own sends (a lost job's message again, a dead worker's job to the DLQ) and the DLQ
    // reconciliation: skip an empty DLQ, receive, release (ChangeMessageVisibilityBatch is
    // authorised by sqs:ChangeMessageVisibility), delete a stale copy; SendMessage writes the
    // annotated copies. By name pattern, so the policy does not grow with job types.
    grantOnStageQueues(role, props.stackName, 'all', ['sqs:SendMessage']);
    grantOnStageQueues(role, props.stackName, 'dead-letter', [
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
    ]);
    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Runs the job recovery sweeper',
      schedule: events.Schedule.rate(Duration.minutes(props.intervalMinutes)),
      targets: [new targets.LambdaFunction(this.function.function, { retryAttempts: 0 })],
    });
  }
}
