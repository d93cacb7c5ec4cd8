/**
 * Owner retry and admin redrive in the stack: IAM-authorized routes (the admin one under its
 * own `/admin` tree), and functions that may do exactly what their use-cases need.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../../lambdas/runtime-env';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { REDRIVE_ENTRY, REDRIVE_TIMEOUT_SECONDS, RETRY_JOB_ENTRY } from '../../lib/constructs/job-api';
import { createTestStack } from '../support/cdk-app';
import { queueNamePattern, queuesMatching } from '../support/queue-patterns';
import { isTraceWrite } from '../support/xray';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;

let stack: AsyncEndpointsStack;
let resources: Record<string, { Type: string; Properties?: Json }>;

beforeAll(() => {
  ({ stack } = createTestStack());
  resources = Template.fromStack(stack).toJSON().Resources;
});

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const names = () => Object.keys(stack.processors);
/** Exactly these ARNs, in any order (CDK sorts them). */
const exactly = (arns: Json[]) =>
  expect.toSatisfy(
    (r: unknown[]) =>
      r.length === arns.length && arns.every((a) => JSON.stringify(r).includes(JSON.stringify(a))),
  );
const queueArns = () => exactly(names().map((n) => arnOf(idOf(stack.processors[n]?.queue as never))));

function statementsOf(roleId: string): Json[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties?.Roles ?? []).some((r: Json) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties?.PolicyDocument.Statement as Json[])
    .filter((s) => !isTraceWrite(s));
}

/** The resource whose path is `parts`, from the API's root. */
function resourceAt(...parts: string[]): string | undefined {
  const rootId = { 'Fn::GetAtt': [idOf(stack.api.api), 'RootResourceId'] };
  let parent: unknown = rootId;
  let id: string | undefined;
  for (const part of parts) {
    id = ofType('AWS::ApiGateway::Resource').find(
      ([, r]) =>
        r.Properties?.PathPart === part && JSON.stringify(r.Properties?.ParentId) === JSON.stringify(parent),
    )?.[0];
    if (!id) return undefined;
    parent = { Ref: id };
  }
  return id;
}

function methodsOn(resourceId: string | undefined) {
  return ofType('AWS::ApiGateway::Method')
    .filter(([, m]) => m.Properties?.ResourceId?.Ref === resourceId)
    .map(([, m]) => m.Properties ?? {});
}

describe('owner retry', () => {
  it('routes POST /jobs/{nameOrId}/retry, IAM-authorized, to its own function', () => {
    const methods = methodsOn(resourceAt('jobs', '{nameOrId}', 'retry'));
    expect(methods.map((m) => m.HttpMethod)).toEqual(['POST']);
    expect(methods[0]).toMatchObject({ AuthorizationType: 'AWS_IAM', Integration: { Type: 'AWS_PROXY' } });
    expect(JSON.stringify(methods[0]?.Integration.Uri)).toContain(
      `"${idOf(stack.api.retryJobFunction.function)}"`,
    );
    expect(RETRY_JOB_ENTRY).toBe('lambdas/api/retry-job-handler.ts');
  });

  it('lets the function read and put on the table ARN and send to the job queues, nothing more', () => {
    const statements = statementsOf(idOf(stack.api.retryJobFunction.role));
    const tableArn = arnOf(idOf(stack.table.table));
    expect(statements.filter((s) => !JSON.stringify(s.Action).includes('logs:'))).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: tableArn },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArns() },
    ]);
    const env = resources[idOf(stack.api.retryJobFunction.function)]?.Properties?.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(
      [
        Env.TableName,
        Env.QueueUrlPrefix,
        Env.RetentionDays,
        Env.TableActiveShards,
        Env.TableOwnerShards,
        'NODE_OPTIONS',
        'POWERTOOLS_SERVICE_NAME',
      ].sort(),
    );
  });
});

describe('admin redrive', () => {
  it('routes POST /admin/jobs/{name}/redrive, IAM-authorized, apart from the job routes', () => {
    const methods = methodsOn(resourceAt('admin', 'jobs', '{name}', 'redrive'));
    expect(methods.map((m) => m.HttpMethod)).toEqual(['POST']);
    expect(methods[0]).toMatchObject({ AuthorizationType: 'AWS_IAM', Integration: { Type: 'AWS_PROXY' } });
    expect(JSON.stringify(methods[0]?.Integration.Uri)).toContain(
      `"${idOf(stack.api.redriveFunction.function)}"`,
    );
    // Nothing else lives under /admin, so `.../POST/admin/*` grants exactly this.
    expect(methodsOn(resourceAt('admin'))).toEqual([]);
    expect(REDRIVE_ENTRY).toBe('lambdas/api/redrive-handler.ts');
  });

  it('runs under the API integration timeout', () => {
    const fn = resources[idOf(stack.api.redriveFunction.function)]?.Properties ?? {};
    expect(fn.Timeout).toBe(REDRIVE_TIMEOUT_SECONDS);
    expect(REDRIVE_TIMEOUT_SECONDS).toBeLessThan(29);
    expect(Object.keys(fn.Environment.Variables)).toEqual(
      expect.arrayContaining([Env.TableName, Env.QueueUrlPrefix, Env.RetentionDays]),
    );
    // Every job type's lanes are baked in: the function derives each queue's and DLQ's URL.
    expect(Object.keys(stack.api.redriveFunction.manifest?.lanes ?? {})).toEqual(names());
  });

  it('lets the function consume the DLQs, send to the queues and get and put job records, nothing more', () => {
    const statements = statementsOf(idOf(stack.api.redriveFunction.role));
    expect(statements.filter((s) => !JSON.stringify(s.Action).includes('logs:'))).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: arnOf(idOf(stack.table.table)),
      },
      {
        Effect: 'Allow',
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'],
        Resource: expect.anything(),
      },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queueArns() },
    ]);
    // Every DLQ of the stage by one name pattern (no list to outgrow the policy), and no queue.
    const consume = statements.find((s) => JSON.stringify(s.Action).includes('sqs:ReceiveMessage'));
    const pattern = queueNamePattern(consume?.Resource);
    expect(pattern).toBe('AsyncEndpoints_*_dlq');
    expect(queuesMatching(resources, pattern)).toEqual(
      names()
        .map((n) => `AsyncEndpoints_${n}_dlq`)
        .sort(),
    );
  });
});
