import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { JobSettings } from '../../lambdas/core/job-settings';
import type { StageLanes } from '../../lambdas/queue-names';
import { Env } from '../../lambdas/runtime-env';
import {
  BY_OWNER_INDEX,
  BY_OWNER_LIVE_ATTRIBUTES,
  JOB_TABLE_PARTITION_KEY,
} from '../../lambdas/table-schema';
import type { RemovalPolicyName } from '../config';
import type { ApiKeysConfig } from '../config-scale';
import { JobApiKeys } from './job-api-keys';
import { JobFunction } from './job-function';
import { grantOnStageQueues } from './stage-queue-grants';

/** Submit handler entry, relative to the repository root. */
export const SUBMIT_ENTRY = 'lambdas/api/submit-handler.ts';
/** Get-job handler entry, relative to the repository root. */
export const GET_JOB_ENTRY = 'lambdas/api/get-job-handler.ts';
/** Cancel-job handler entry, relative to the repository root. */
export const CANCEL_JOB_ENTRY = 'lambdas/api/cancel-job-handler.ts';
/** List-jobs handler entry, relative to the repository root. */
export const LIST_JOBS_ENTRY = 'lambdas/api/list-jobs-handler.ts';
/** Retry-job handler entry, relative to the repository root. */
export const RETRY_JOB_ENTRY = 'lambdas/api/retry-job-handler.ts';
/** Admin redrive handler entry, relative to the repository root. */
export const REDRIVE_ENTRY = 'lambdas/api/redrive-handler.ts';
/**
 * The redrive function's timeout: above its 20 s time budget plus its last SQS calls, under
 * API Gateway's 29 s integration timeout.
 */
export const REDRIVE_TIMEOUT_SECONDS = 28;

/**
 * RFC 9457 problem body for API Gateway's own errors (auth, throttling, integration failures).
 * `status` is omitted: no gateway-response variable carries the code, and RFC 9457 makes it
 * optional. `messageString` is already a quoted JSON string.
 */
export const GATEWAY_PROBLEM_TEMPLATE =
  '{"type":"about:blank","title":"$context.error.responseType","detail":$context.error.messageString}';

/** Props of {@link JobApi}. */
export interface JobApiProps {
  /** The job table. */
  readonly table: dynamodb.ITable;
  /** Job queues by job type name: submit sends to them (their ARNs go into its IAM policy). */
  readonly queues: Readonly<Record<string, sqs.IQueue>>;
  /** The stack name, which names the stage's queues: the admin redrive receives from every DLQ. */
  readonly stackName: string;
  /** URL prefix of the stage's queues: the functions derive each queue's URL from it. */
  readonly queueUrlPrefix: string;
  /** Every job type and whether it has a high-priority lane (retry-job and redrive). */
  readonly lanes: StageLanes;
  /** Job name -> settings overrides the Lambdas lay over the job files' (submit). */
  readonly settingsOverrides: Readonly<Record<string, Partial<JobSettings>>>;
  /**
   * Every job type's resolved poll interval, seconds: all get-job and retry-job need of the
   * settings (for `Retry-After`), so they load no job type.
   */
  readonly pollIntervals: Readonly<Record<string, number>>;
  /** Days a finished job stays readable. */
  readonly retentionDays: number;
  /** Largest accepted request body, bytes. */
  readonly maxBodyBytes: number;
  /** Powertools service name (the stack name). */
  readonly serviceName: string;
  /** Powertools metrics namespace. */
  readonly metricsNamespace: string;
  /** Stage name. */
  readonly stageName: string;
  /** Stage throttling. */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Retention of the functions' and the access log's log groups. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log groups. */
  readonly removalPolicy: RemovalPolicyName;
  /**
   * Create an API Gateway CloudWatch role and `AWS::ApiGateway::Account`, both retained on stack
   * deletion: the setting is the Region's, shared by every REST API (see the stage config's
   * `manageApiGatewayAccount`).
   * @default false
   */
  readonly manageApiGatewayAccount?: boolean;
  /**
   * Memory of the API functions, MiB. 256 MiB keeps them cheap; their work is one or two
   * DynamoDB calls and one SQS send.
   * @default 256
   */
  readonly memoryMiB?: number;
  /**
   * Require an API key on the job routes (not `/admin`, not `/health`), with one key and usage
   * plan per client.
   * @default - no API keys
   */
  readonly apiKeys?: ApiKeysConfig;
}

/**
 * The REST API: `POST /jobs/{nameOrId}` submits a job of type `nameOrId`, `GET /jobs/{nameOrId}`
 * reads job `nameOrId` (one path variable, because API Gateway REST does not allow two
 * differently named sibling variables), `DELETE /jobs/{nameOrId}` cancels job `nameOrId`,
 * `GET /jobs` lists the caller's jobs, `POST /jobs/{nameOrId}/retry` re-queues a Failed job,
 * `POST /admin/jobs/{name}/redrive` moves a job type's dead letters back (its own `/admin`
 * path, so granting it is a separate `execute-api:Invoke` statement), all IAM-authorized;
 * `GET /health` is open.
 */
export class JobApi extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly accessLogGroup: logs.LogGroup;
  public readonly submitFunction: JobFunction;
  public readonly getJobFunction: JobFunction;
  public readonly listJobsFunction: JobFunction;
  public readonly cancelJobFunction: JobFunction;
  public readonly retryJobFunction: JobFunction;
  public readonly redriveFunction: JobFunction;
  public readonly submitMethod: apigateway.Method;
  public readonly getJobMethod: apigateway.Method;
  public readonly listJobsMethod: apigateway.Method;
  public readonly cancelJobMethod: apigateway.Method;
  public readonly retryJobMethod: apigateway.Method;
  public readonly redriveMethod: apigateway.Method;
  public readonly healthMethod: apigateway.Method;
  /** The API Gateway CloudWatch role, when `manageApiGatewayAccount`. */
  public readonly cloudWatchRole?: iam.Role;
  /** The Region-wide API Gateway account settings, when `manageApiGatewayAccount`. */
  public readonly account?: apigateway.CfnAccount;
  /** The API keys and usage plans, when `apiKeys.enabled`. */
  public readonly apiKeys?: JobApiKeys;

  constructor(scope: Construct, id: string, props: JobApiProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const common = {
      timeout: Duration.seconds(10),
      memoryMiB: props.memoryMiB ?? 256,
      serviceName: props.serviceName,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    };

    this.submitFunction = new JobFunction(this, 'Submit', {
      ...common,
      entry: SUBMIT_ENTRY,
      description: 'Validates a job submission, stores the job and enqueues it',
      environment: {
        [Env.TableName]: props.table.tableName,
        [Env.QueueUrlPrefix]: props.queueUrlPrefix,
        [Env.RetentionDays]: String(props.retentionDays),
        [Env.MaxBodyBytes]: String(props.maxBodyBytes),
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
      },
      // Its catalog holds the job types; their lanes follow from the resolved settings.
      manifest: { settings: props.settingsOverrides },
    });
    // A read (idempotent replays) and conditional puts: submit never updates in place.
    this.submitFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:GetItem'],
        resources: [props.table.tableArn],
      }),
    );
    this.submitFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        // GetQueueAttributes: the backlog read of admission control (`maxBacklog`).
        actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes'],
        resources: Object.values(props.queues).map((q) => q.queueArn),
      }),
    );

    this.getJobFunction = new JobFunction(this, 'GetJob', {
      ...common,
      entry: GET_JOB_ENTRY,
      description: 'Returns a job: its status, and its result or error when finished',
      environment: {
        [Env.TableName]: props.table.tableName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
      },
      manifest: { pollIntervals: props.pollIntervals },
    });
    this.getJobFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [props.table.tableArn] }),
    );

    this.cancelJobFunction = new JobFunction(this, 'CancelJob', {
      ...common,
      entry: CANCEL_JOB_ENTRY,
      description: 'Cancels a job: at once when it waits, through its worker when it runs',
      environment: {
        [Env.TableName]: props.table.tableName,
        [Env.RetentionDays]: String(props.retentionDays),
      },
    });
    // A read, then a write conditional on the version read: nothing else.
    this.cancelJobFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [props.table.tableArn],
      }),
    );

    this.retryJobFunction = new JobFunction(this, 'RetryJob', {
      ...common,
      entry: RETRY_JOB_ENTRY,
      description: "Re-queues its owner's Failed job",
      environment: {
        [Env.TableName]: props.table.tableName,
        [Env.QueueUrlPrefix]: props.queueUrlPrefix,
        [Env.RetentionDays]: String(props.retentionDays),
      },
      manifest: { pollIntervals: props.pollIntervals, lanes: props.lanes },
    });
    // A read, a version-conditional put, and the job's message.
    this.retryJobFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [props.table.tableArn],
      }),
    );
    this.retryJobFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: Object.values(props.queues).map((q) => q.queueArn),
      }),
    );

    this.redriveFunction = new JobFunction(this, 'Redrive', {
      ...common,
      timeout: Duration.seconds(REDRIVE_TIMEOUT_SECONDS),
      entry: REDRIVE_ENTRY,
      description: "Admin: moves a job type's dead letters back to its queue, re-queuing their jobs",
      environment: {
        [Env.TableName]: props.table.tableName,
        [Env.QueueUrlPrefix]: props.queueUrlPrefix,
        [Env.RetentionDays]: String(props.retentionDays),
      },
      manifest: { lanes: props.lanes },
    });
    this.redriveFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        resources: [props.table.tableArn],
      }),
    );
    // Every DLQ of the stage by name pattern (stage-queue-grants.ts), so the policy does not
    // grow with job types; the sends below list the queues.
    grantOnStageQueues(this.redriveFunction.role, props.stackName, 'dead-letter', [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:ChangeMessageVisibility',
    ]);
    this.redriveFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: Object.values(props.queues).map((q) => q.queueArn),
      }),
    );

    this.listJobsFunction = new JobFunction(this, 'ListJobs', {
      ...common,
      entry: LIST_JOBS_ENTRY,
      description: "Lists the caller's jobs, newest first, from the ByOwner index",
      environment: { [Env.TableName]: props.table.tableName },
    });
    // Query the index only, and BatchGet from the table only the summary's live attributes
    // (fine-grained access): no path to another caller's input, result or owner by id.
    this.listJobsFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${props.table.tableArn}/index/${BY_OWNER_INDEX.indexName}`],
      }),
    );
    this.listJobsFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:BatchGetItem'],
        resources: [props.table.tableArn],
        conditions: {
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': [JOB_TABLE_PARTITION_KEY, ...BY_OWNER_LIVE_ATTRIBUTES],
          },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      }),
    );

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `${props.serviceName}-jobs`,
      description: 'Asynchronous job endpoints: submit a job, then poll it',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        // X-Ray traces from the stage through the Lambda integrations to SQS and DynamoDB.
        tracingEnabled: true,
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
      },
    });
    // On the CfnRestApi itself, so the methods below stay checked.
    Validations.of(this.api.node.defaultChild as apigateway.CfnRestApi).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        "Bodies are validated by the submit Lambda against the job type's zod schema, which answers RFC 9457 problem JSON naming the field; API Gateway's validator would answer in its own format.",
    });
    Validations.of(this.api.deploymentStage.node.defaultChild as apigateway.CfnStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'The job routes are IAM-authorized (SigV4) and the stage is throttled; callers are AWS principals of this account. Attach a WAF WebACL to the stage before exposing the API publicly.',
    });

    if (props.manageApiGatewayAccount ?? false) {
      this.cloudWatchRole = new iam.Role(this, 'CloudWatchRole', {
        assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
        description: 'Lets API Gateway write execution and access logs (Region-wide account setting)',
        inlinePolicies: {
          PushToCloudWatchLogs: new iam.PolicyDocument({
            statements: [
              new iam.PolicyStatement({
                actions: [
                  'logs:CreateLogGroup',
                  'logs:CreateLogStream',
                  'logs:DescribeLogGroups',
                  'logs:DescribeLogStreams',
                  'logs:PutLogEvents',
                  'logs:GetLogEvents',
                  'logs:FilterLogEvents',
                ],
                resources: [Stack.of(this).formatArn({ service: 'logs', resource: '*' })],
              }),
            ],
          }),
        },
      });
      Validations.of(this.cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:*]',
        reason:
          "The API Gateway CloudWatch role is an account-level setting shared by every REST API in the Region; API Gateway creates each API's execution log group itself (API-Gateway-Execution-Logs_<api-id>/<stage>), so the role needs the Region's log groups.",
      });
      this.account = new apigateway.CfnAccount(this, 'Account', {
        cloudWatchRoleArn: this.cloudWatchRole.roleArn,
      });
      // Other stages' APIs log through this role too: deleting this stack must leave both.
      this.cloudWatchRole.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.account.applyRemovalPolicy(RemovalPolicy.RETAIN);
      // Execution logging fails at deploy time unless the account has the role first.
      this.api.deploymentStage.node.addDependency(this.account);
    }

    for (const type of [apigateway.ResponseType.DEFAULT_4XX, apigateway.ResponseType.DEFAULT_5XX]) {
      this.api.addGatewayResponse(`${type.responseType}Problem`, {
        type,
        responseHeaders: { 'Content-Type': "'application/problem+json'" },
        templates: { 'application/json': GATEWAY_PROBLEM_TEMPLATE },
      });
    }

    const keysEnabled = props.apiKeys?.enabled ?? false;
    // Job routes: IAM, plus an API key (x-api-key) when usage plans are on.
    const jobAuth = { authorizationType: apigateway.AuthorizationType.IAM, apiKeyRequired: keysEnabled };
    const jobList = this.api.root.addResource('jobs');
    this.listJobsMethod = jobList.addMethod(
      'GET',
      new apigateway.LambdaIntegration(this.listJobsFunction.function),
      jobAuth,
    );
    const jobs = jobList.addResource('{nameOrId}');
    this.submitMethod = jobs.addMethod(
      'POST',
      new apigateway.LambdaIntegration(this.submitFunction.function),
      jobAuth,
    );
    this.getJobMethod = jobs.addMethod(
      'GET',
      new apigateway.LambdaIntegration(this.getJobFunction.function),
      jobAuth,
    );
    this.cancelJobMethod = jobs.addMethod(
      'DELETE',
      new apigateway.LambdaIntegration(this.cancelJobFunction.function),
      jobAuth,
    );
    this.retryJobMethod = jobs
      .addResource('retry')
      .addMethod('POST', new apigateway.LambdaIntegration(this.retryJobFunction.function), jobAuth);
    // A separate tree, so an admin grant is its own statement on `.../POST/admin/*`.
    this.redriveMethod = this.api.root
      .addResource('admin')
      .addResource('jobs')
      .addResource('{name}')
      .addResource('redrive')
      .addMethod('POST', new apigateway.LambdaIntegration(this.redriveFunction.function), {
        authorizationType: apigateway.AuthorizationType.IAM,
      });
    for (const method of [
      this.submitMethod,
      this.getJobMethod,
      this.cancelJobMethod,
      this.listJobsMethod,
      this.retryJobMethod,
      this.redriveMethod,
    ]) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          'Job routes use IAM (SigV4) authorization: callers are AWS principals (services, roles), not Cognito users.',
      });
    }

    if (keysEnabled && props.apiKeys) {
      this.apiKeys = new JobApiKeys(this, 'ApiKeys', {
        api: this.api,
        clients: props.apiKeys.clients,
        namePrefix: props.serviceName,
      });
    }

    this.healthMethod = this.api.root.addResource('health').addMethod(
      'GET',
      new apigateway.MockIntegration({
        requestTemplates: { 'application/json': '{"statusCode": 200}' },
        passthroughBehavior: apigateway.PassthroughBehavior.NEVER,
        integrationResponses: [
          {
            statusCode: '200',
            responseParameters: { 'method.response.header.Content-Type': "'application/json'" },
            responseTemplates: { 'application/json': '{"status":"ok"}' },
          },
        ],
      }),
      {
        authorizationType: apigateway.AuthorizationType.NONE,
        methodResponses: [
          { statusCode: '200', responseParameters: { 'method.response.header.Content-Type': true } },
        ],
      },
    );
    const healthReason =
      'GET /health is an unauthenticated liveness probe for load balancers and uptime checks; a mock integration that returns a constant and touches no data or function.';
    Validations.of(this.healthMethod).acknowledge(
      { id: 'AwsSolutions-APIG4', reason: healthReason },
      { id: 'AwsSolutions-COG4', reason: healthReason },
    );
  }

  /** The stage URL, ending in `/`. */
  get url(): string {
    return this.api.url;
  }
}
