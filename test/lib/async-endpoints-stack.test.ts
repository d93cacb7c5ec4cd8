import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRICS_NAMESPACE } from '../../lambdas/metric-names';
import { Env } from '../../lambdas/runtime-env';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { loadConfig, type StageConfig } from '../../lib/config';
import { GATEWAY_PROBLEM_TEMPLATE } from '../../lib/constructs/job-api';
import { createTestApp, createTestStack } from '../support/cdk-app';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;
type Resources = Record<string, { Type: string; Properties?: Json; DeletionPolicy?: string }>;

/** `value`, or a failed test naming what was missing. */
function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}`);
  return value;
}

let stack: AsyncEndpointsStack;
let config: StageConfig;
let template: Template;
let resources: Resources;

beforeAll(() => {
  // The API Gateway account is opt-in; on here, so its role and settings are checked too.
  const input = { alarmEmail: 'ops@example.com', manageApiGatewayAccount: true };
  ({ stack } = createTestStack(input));
  config = loadConfig(createTestApp(input));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

/** `JOB_QUEUE_URL_PREFIX` as the template carries it: pseudo parameters and the stack name. */
const URL_PREFIX = {
  'Fn::Join': [
    '',
    [
      'https://sqs.',
      { Ref: 'AWS::Region' },
      '.',
      { Ref: 'AWS::URLSuffix' },
      '/',
      { Ref: 'AWS::AccountId' },
      '/AsyncEndpoints_',
    ],
  ],
};

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** The logical ids of one job type's resources. */
function jobIds(name: string) {
  const p = defined(stack.processors[name], `a processor for ${name}`);
  return {
    queue: idOf(p.queue),
    dlq: idOf(p.deadLetterQueue),
    fn: idOf(p.processor.function),
    role: idOf(p.processor.role),
  };
}

describe('job types', () => {
  it('provisions one processor per catalog job type', () => {
    expect(Object.keys(stack.processors)).toEqual(config.jobTypes.map((j) => j.name));
    expect(ofType('AWS::Lambda::EventSourceMapping')).toHaveLength(config.jobTypes.length);
  });

  it('gives every queue a DLQ with maxReceiveCount from the settings, both SSE and 1 MiB messages', () => {
    for (const job of config.jobTypes) {
      const ids = jobIds(job.name);
      expect(resources[ids.queue]?.Properties).toMatchObject({
        QueueName: `AsyncEndpoints_${job.name}`,
        RedrivePolicy: {
          deadLetterTargetArn: { 'Fn::GetAtt': [ids.dlq, 'Arn'] },
          maxReceiveCount: job.settings.maxReceiveCount,
        },
        SqsManagedSseEnabled: true,
        MaximumMessageSize: 1_048_576,
        VisibilityTimeout: job.visibilityTimeoutSeconds,
      });
      expect(resources[ids.dlq]?.Properties).toMatchObject({
        QueueName: `AsyncEndpoints_${job.name}_dlq`,
        SqsManagedSseEnabled: true,
        MaximumMessageSize: 1_048_576,
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
    }
  });

  it('denies non-TLS access on every queue and DLQ', () => {
    for (const job of config.jobTypes) {
      const ids = jobIds(job.name);
      for (const queueId of [ids.queue, ids.dlq]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: queueId }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Action: 'sqs:*',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        });
      }
    }
  });

  it('maps each queue to its processor with MaximumConcurrency, BatchSize and ReportBatchItemFailures', () => {
    for (const job of config.jobTypes) {
      const ids = jobIds(job.name);
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [ids.queue, 'Arn'] },
        FunctionName: { Ref: ids.fn },
        BatchSize: job.settings.batchSize,
        ScalingConfig: { MaximumConcurrency: job.settings.maxConcurrency },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    }
  });

  it('reserves at least MaximumConcurrency and keeps visibility >= 6x the function timeout', () => {
    for (const job of config.jobTypes) {
      const ids = jobIds(job.name);
      const esm = ofType('AWS::Lambda::EventSourceMapping').find(
        ([, r]) => r.Properties?.FunctionName?.Ref === ids.fn,
      )?.[1];
      const fn = resources[ids.fn]?.Properties ?? {};
      expect(fn.ReservedConcurrentExecutions).toBeGreaterThanOrEqual(
        esm?.Properties?.ScalingConfig.MaximumConcurrency,
      );
      expect(resources[ids.queue]?.Properties?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Timeout);
      expect(fn).toMatchObject({ Timeout: job.settings.timeoutSeconds, MemorySize: job.settings.memoryMiB });
    }
  });

  it('gives each processor its job name and the queue URL prefix, and bakes its own settings overrides', () => {
    for (const job of config.jobTypes) {
      const ids = jobIds(job.name);
      expect(resources[ids.fn]?.Properties?.Environment.Variables).toEqual({
        [Env.TableName]: { Ref: idOf(stack.table.table) },
        [Env.JobName]: job.name,
        [Env.QueueUrlPrefix]: URL_PREFIX,
        [Env.RetentionDays]: '30',
        [Env.PayloadBucket]: { Ref: idOf(stack.payloads.bucket) },
        [Env.CompressAboveBytes]: '8192',
        [Env.TableActiveShards]: '16',
        [Env.TableOwnerShards]: '1',
        POWERTOOLS_SERVICE_NAME: 'AsyncEndpoints',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        NODE_OPTIONS: '--enable-source-maps',
      });
      expect(stack.processors[job.name]?.processor.manifest).toEqual({ settings: {} });
    }
    const overridden = createTestStack({ jobTypes: { sleep: { pollIntervalSeconds: 5 } } }).stack;
    expect(overridden.processors.sleep?.processor.manifest).toEqual({
      settings: { sleep: { pollIntervalSeconds: 5 } },
    });
    expect(overridden.processors.echo?.processor.manifest).toEqual({ settings: {} });
  });

  it('lets a processor read and write only its table item and its own queues', () => {
    for (const job of config.jobTypes) {
      const ids = jobIds(job.name);
      const statements = policyStatementsOfRole(ids.role);
      expect(statements).toContainEqual(
        expect.objectContaining({
          Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], // CDK sorts actions
          Resource: { 'Fn::GetAtt': [idOf(stack.table.table), 'Arn'] },
        }),
      );
      const sqsResources = statements
        .filter((s) => JSON.stringify(s.Action).includes('sqs:'))
        .map((s) => JSON.stringify(s.Resource));
      expect(sqsResources.sort()).toEqual(
        [ids.queue, ids.dlq].map((id) => JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] })).sort(),
      );
    }
  });
});

describe('functions', () => {
  it('run Node.js 24 on arm64, each with its own role and log group', () => {
    const functions = ofType('AWS::Lambda::Function');
    // + submit, get-job, list-jobs, cancel-job, retry-job, redrive (admin), sweeper
    expect(functions).toHaveLength(config.jobTypes.length + 7);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: expect.any(String) } },
        Role: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
      });
    }
    const roles = new Set(functions.map(([, fn]) => fn.Properties?.Role['Fn::GetAtt'][0]));
    const logGroups = new Set(functions.map(([, fn]) => fn.Properties?.LoggingConfig.LogGroup.Ref));
    expect(roles.size).toBe(functions.length);
    expect(logGroups.size).toBe(functions.length);
  });

  it('give the submit function the queue URL prefix and the body limit, and bake the settings overrides', () => {
    const env = resources[idOf(stack.api.submitFunction.function)]?.Properties?.Environment.Variables;
    expect(env).toMatchObject({
      [Env.QueueUrlPrefix]: URL_PREFIX,
      [Env.MaxBodyBytes]: '1048576',
      [Env.RetentionDays]: '30',
    });
    expect(stack.api.submitFunction.manifest).toEqual({ settings: {} });
  });

  it('let the submit function write the table, send to and gauge every job queue, and get-job only read', () => {
    const tableArn = { 'Fn::GetAtt': [idOf(stack.table.table), 'Arn'] };
    const submit = policyStatementsOfRole(idOf(stack.api.submitFunction.role));
    expect(submit).toContainEqual(
      expect.objectContaining({ Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: tableArn }),
    );
    expect(submit).toContainEqual(
      expect.objectContaining({
        Action: ['sqs:GetQueueAttributes', 'sqs:SendMessage'],
        Resource: expect.toSatisfy(
          (r: unknown[]) =>
            r.length === config.jobTypes.length &&
            config.jobTypes.every((j) => JSON.stringify(r).includes(`["${jobIds(j.name).queue}","Arn"]`)),
        ),
      }),
    );
    const getJob = policyStatementsOfRole(idOf(stack.api.getJobFunction.role));
    const dynamo = getJob.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(dynamo).toEqual([expect.objectContaining({ Action: 'dynamodb:GetItem', Resource: tableArn })]);
  });

  it('let the cancel-job function read and conditionally put on the table ARN, and nothing else', () => {
    const tableArn = { 'Fn::GetAtt': [idOf(stack.table.table), 'Arn'] };
    const statements = policyStatementsOfRole(idOf(stack.api.cancelJobFunction.role));
    const dynamo = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(dynamo).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: tableArn },
    ]);
    expect(statements.some((s) => JSON.stringify(s.Action).includes('sqs:'))).toBe(false);
    const env = resources[idOf(stack.api.cancelJobFunction.function)]?.Properties?.Environment.Variables;
    expect(env).toMatchObject({
      [Env.TableName]: { Ref: idOf(stack.table.table) },
      [Env.RetentionDays]: '30',
    });
  });

  it("give get-job and retry-job each job type's resolved poll interval instead of the catalog", () => {
    const overridden = createTestStack({ jobTypes: { echo: { pollIntervalSeconds: 9 } } }).stack;
    const catalogIntervals = Object.fromEntries(
      loadConfig(createTestApp({ jobTypes: { echo: { pollIntervalSeconds: 9 } } })).jobTypes.map((job) => [
        job.name,
        job.settings.pollIntervalSeconds,
      ]),
    );
    expect(catalogIntervals.echo).toBe(9);
    const overriddenResources = Template.fromStack(overridden).toJSON().Resources as Resources;
    expect(overridden.api.getJobFunction.manifest).toEqual({ pollIntervals: catalogIntervals });
    expect(overridden.api.retryJobFunction.manifest).toEqual({
      pollIntervals: catalogIntervals,
      lanes: { echo: false, sleep: false, flaky: false, fail: false },
    });
    for (const fn of [overridden.api.getJobFunction, overridden.api.retryJobFunction]) {
      const logicalId = overridden.getLogicalId(fn.function.node.defaultChild as CfnElement);
      const env = overriddenResources[logicalId]?.Properties?.Environment.Variables;
      expect(env).not.toHaveProperty(Env.StageManifest);
    }
  });
});

describe('job table', () => {
  it('is on-demand, keyed by id, with TTL on expiresAt, PITR and deletion protection', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      },
    });
  });

  it('can be destroyed with the stack when removalPolicy is destroy', () => {
    const t = Template.fromStack(createTestStack({ removalPolicy: 'destroy' }).stack);
    t.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: { DeletionProtectionEnabled: false },
    });
    for (const [, lg] of Object.entries(t.findResources('AWS::Logs::LogGroup'))) {
      expect(lg.DeletionPolicy).toBe('Delete');
    }
  });
});

describe('REST API', () => {
  const methodFor = (httpMethod: string, pathPart: string) => {
    const resourceId = ofType('AWS::ApiGateway::Resource').find(
      ([, r]) => r.Properties?.PathPart === pathPart,
    )?.[0];
    return ofType('AWS::ApiGateway::Method').find(
      ([, m]) => m.Properties?.HttpMethod === httpMethod && m.Properties?.ResourceId?.Ref === resourceId,
    )?.[1].Properties;
  };

  it('is regional', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
  });

  it('authorizes POST, GET and DELETE /jobs/{nameOrId} with IAM through Lambda proxy integrations', () => {
    expect(methodFor('DELETE', '{nameOrId}')).toMatchObject({
      AuthorizationType: 'AWS_IAM',
      Integration: { Type: 'AWS_PROXY' },
    });
    expect(JSON.stringify(methodFor('DELETE', '{nameOrId}')?.Integration.Uri)).toContain(
      `"${idOf(stack.api.cancelJobFunction.function)}"`,
    );
    expect(methodFor('POST', '{nameOrId}')).toMatchObject({
      AuthorizationType: 'AWS_IAM',
      Integration: { Type: 'AWS_PROXY' },
    });
    expect(methodFor('GET', '{nameOrId}')).toMatchObject({
      AuthorizationType: 'AWS_IAM',
      Integration: { Type: 'AWS_PROXY' },
    });
  });

  it('answers GET /health without auth from a mock integration', () => {
    expect(methodFor('GET', 'health')).toMatchObject({
      AuthorizationType: 'NONE',
      Integration: {
        Type: 'MOCK',
        IntegrationResponses: [
          {
            StatusCode: '200',
            ResponseTemplates: { 'application/json': '{"status":"ok"}' },
            ResponseParameters: { 'method.response.header.Content-Type': "'application/json'" },
          },
        ],
      },
    });
  });

  it('throttles the stage, logs errors and writes JSON access logs to its own log group', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'prod',
      AccessLogSetting: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"'),
      },
      MethodSettings: [
        Match.objectLike({
          HttpMethod: '*',
          ResourcePath: '/*',
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          MetricsEnabled: true,
          ThrottlingRateLimit: 500,
          ThrottlingBurstLimit: 1000,
        }),
      ],
    });
    const stage = defined(ofType('AWS::ApiGateway::Stage')[0], 'a stage')[1];
    expect(JSON.stringify(stage.Properties?.AccessLogSetting.DestinationArn)).toContain(
      `"${idOf(stack.api.accessLogGroup)}"`,
    );
  });

  it('sets the Region-wide CloudWatch role before the stage deploys, when manageApiGatewayAccount', () => {
    const [accountId, account] = defined(ofType('AWS::ApiGateway::Account')[0], 'an API Gateway account');
    expect(account.Properties?.CloudWatchRoleArn).toEqual({
      'Fn::GetAtt': [idOf(defined(stack.api.cloudWatchRole, 'the CloudWatch role')), 'Arn'],
    });
    const stage = defined(ofType('AWS::ApiGateway::Stage')[0], 'a stage')[1] as { DependsOn?: string[] };
    expect(stage.DependsOn).toContain(accountId);
  });

  it('retains the CloudWatch role and the account setting when the stack is deleted', () => {
    // Other stages' APIs in the Region log through this role: deleting this stage must not
    // leave the account pointing at a deleted role.
    const roleId = idOf(defined(stack.api.cloudWatchRole, 'the CloudWatch role'));
    const [accountId] = defined(ofType('AWS::ApiGateway::Account')[0], 'an API Gateway account');
    for (const id of [roleId, accountId]) {
      expect(resources[id], id).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    }
  });

  it('leaves the API Gateway account alone when told to (the Region has a role already)', () => {
    const { stack: plain } = createTestStack({ manageApiGatewayAccount: false });
    expect(plain.api.cloudWatchRole).toBeUndefined();
    const t = Template.fromStack(plain);
    t.resourceCountIs('AWS::ApiGateway::Account', 0);
    // The stage still logs (execution and access logs): through the role the Region already has.
    t.hasResourceProperties('AWS::ApiGateway::Stage', {
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR' })],
    });
    const roles = Object.values(t.toJSON().Resources as Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    for (const role of roles) {
      expect(JSON.stringify(role.Properties?.AssumeRolePolicyDocument)).not.toContain(
        'apigateway.amazonaws.com',
      );
    }
  });

  it('answers its own 4XX and 5XX errors as RFC 9457 problem JSON', () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
        ResponseTemplates: { 'application/json': GATEWAY_PROBLEM_TEMPLATE },
      });
    }
    // Valid JSON once API Gateway substitutes the (quoted) message string.
    const rendered = GATEWAY_PROBLEM_TEMPLATE.replace('$context.error.responseType', 'ACCESS_DENIED').replace(
      '$context.error.messageString',
      JSON.stringify('Missing Authentication Token'),
    );
    expect(JSON.parse(rendered)).toEqual({
      type: 'about:blank',
      title: 'ACCESS_DENIED',
      detail: 'Missing Authentication Token',
    });
  });
});

describe('IAM', () => {
  it("grants no wildcard resources except the acknowledged API Gateway CloudWatch role, payload objects, the stage's queue names and X-Ray writes", () => {
    const cloudWatchRoleId = idOf(defined(stack.api.cloudWatchRole, 'the CloudWatch role'));
    // X-Ray's trace writes have no resource-level permissions: '*' is the only resource they take.
    const xrayWrites = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
    const offenders: string[] = [];
    for (const [id, statement] of allStatements()) {
      const xrayOnly = [statement.Action].flat().every((a: string) => xrayWrites.includes(a));
      for (const resource of [statement.Resource].flat()) {
        // Payload objects are per job, `jobs/*/input.*` or `jobs/*/result.*` (test/lib/payload-bucket.test.ts).
        const payloadObjects = /\/jobs\/\*\/(input|result)\.\*"\]\]\}$/.test(JSON.stringify(resource));
        // The stage's queues by name, `<stackName>_*` (lib/constructs/stage-queue-grants.ts).
        const stageQueues = /:sqs:.*:AsyncEndpoints_\*"\]\]\}$/.test(JSON.stringify(resource));
        if (
          endsWithWildcard(resource) &&
          id !== cloudWatchRoleId &&
          !payloadObjects &&
          !stageQueues &&
          !(xrayOnly && resource === '*')
        )
          offenders.push(`${id}: ${JSON.stringify(resource)}`);
      }
    }
    expect(offenders).toEqual([]);
    // The exemption is real: the account-level role does hold the Region-wide logs wildcard.
    expect(allStatements().some(([id, s]) => id === cloudWatchRoleId && endsWithWildcard(s.Resource))).toBe(
      true,
    );
  });

  it('attaches no managed policies to our roles', () => {
    for (const [, role] of ofType('AWS::IAM::Role'))
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
  });
});

describe('outputs', () => {
  it('exports the API URL, table name and dashboard name', () => {
    for (const name of ['ApiUrl', 'TableName', 'DashboardName']) template.hasOutput(name, {});
  });
});

/** Every IAM statement in the template, with the logical id of the role (or policy) holding it. */
function allStatements(): [string, Json][] {
  const out: [string, Json][] = [];
  for (const [id, policy] of ofType('AWS::IAM::Policy')) {
    for (const role of policy.Properties?.Roles ?? []) {
      for (const s of policy.Properties?.PolicyDocument.Statement ?? []) out.push([role.Ref ?? id, s]);
    }
  }
  for (const [id, role] of ofType('AWS::IAM::Role')) {
    for (const p of role.Properties?.Policies ?? [])
      for (const s of p.PolicyDocument.Statement) out.push([id, s]);
  }
  return out;
}

function policyStatementsOfRole(roleId: string): Json[] {
  return allStatements()
    .filter(([id]) => id === roleId)
    .map(([, s]) => s);
}

/** `*`, `arn:...:*` or an `Fn::Join` whose last literal part ends in `*`. */
function endsWithWildcard(resource: unknown): boolean {
  if (typeof resource === 'string') return resource.endsWith('*');
  const join = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  const last = join?.[1].at(-1);
  return typeof last === 'string' && last.endsWith('*');
}
