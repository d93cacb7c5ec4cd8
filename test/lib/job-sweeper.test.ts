/**
 * The recovery sweeper in the stack: the sparse Active index, the schedule, and a function that
 * may Query only that index, read and write records, send to the job queues and DLQs, and read,
 * release and delete DLQ messages (its DLQ reconciliation).
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../../lambdas/runtime-env';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { ConfigError, resolveConfig, type StageConfig } from '../../lib/config';
import { createTestStack } from '../support/cdk-app';
import { queueNamePattern, queueNames, queuesMatching } from '../support/queue-patterns';
import { isTraceWrite } from '../support/xray';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;

let stack: AsyncEndpointsStack;
let config: StageConfig;
let resources: Record<string, { Type: string; Properties?: Json }>;

beforeAll(() => {
  ({ stack } = createTestStack());
  config = resolveConfig({});
  resources = Template.fromStack(stack).toJSON().Resources;
});

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const arnOf = (construct: { node: { defaultChild?: unknown } }) => ({
  'Fn::GetAtt': [idOf(construct), 'Arn'],
});

function statementsOfRole(roleId: string): Json[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => (r.Properties?.Roles ?? []).some((role: Json) => role.Ref === roleId))
    .flatMap((r) => r.Properties?.PolicyDocument.Statement ?? [])
    .filter((s: Json) => !isTraceWrite(s));
}

describe('recovery sweeper', () => {
  it('indexes unfinished jobs by activeShard and lastUpdatedAt, projecting only what a first look needs', () => {
    const table = resources[idOf(stack.table.table)]?.Properties ?? {};
    expect(table.GlobalSecondaryIndexes).toContainEqual({
      IndexName: 'Active',
      KeySchema: [
        { AttributeName: 'activeShard', KeyType: 'HASH' },
        { AttributeName: 'lastUpdatedAt', KeyType: 'RANGE' },
      ],
      Projection: {
        ProjectionType: 'INCLUDE',
        NonKeyAttributes: ['name', 'status', 'leaseExpiresAt', 'retryDelayUntil'],
      },
    });
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'activeShard', AttributeType: 'S' },
        { AttributeName: 'lastUpdatedAt', AttributeType: 'S' },
      ]),
    );
  });

  it('runs every 5 minutes by default, targeting the sweeper function', () => {
    const rule = resources[idOf(stack.sweeper.rule)]?.Properties;
    expect(rule).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
    expect(rule?.Targets).toEqual([
      expect.objectContaining({
        Arn: arnOf(stack.sweeper.function.function),
        RetryPolicy: { MaximumRetryAttempts: 0 },
      }),
    ]);
    const permissions = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Permission' &&
        JSON.stringify(r.Properties?.FunctionName) === JSON.stringify(arnOf(stack.sweeper.function.function)),
    );
    expect(permissions).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({
          Principal: 'events.amazonaws.com',
          SourceArn: arnOf(stack.sweeper.rule),
        }),
      }),
    ]);
  });

  it('takes its interval from the config', () => {
    const { stack: other } = createTestStack({ sweeper: { intervalMinutes: 1, maxJobsPerRun: 50 } });
    const json = Template.fromStack(other).toJSON().Resources as typeof resources;
    const rule = json[other.getLogicalId(other.sweeper.rule.node.defaultChild as CfnElement)]?.Properties;
    expect(rule?.ScheduleExpression).toBe('rate(1 minute)');
    const fn = json[other.getLogicalId(other.sweeper.function.function.node.defaultChild as CfnElement)];
    expect(fn?.Properties?.Environment.Variables[Env.SweeperMaxJobsPerRun]).toBe('50');
  });

  it('may Query only the Active index, GetItem and PutItem the table, send to the queues and DLQs, and reconcile only the DLQs', () => {
    const tableArn = arnOf(stack.table.table);
    const statements = statementsOfRole(idOf(stack.sweeper.function.role));
    const logs = statements.filter((s) => JSON.stringify(s.Action).includes('logs:'));
    const rest = statements.filter((s) => !JSON.stringify(s.Action).includes('logs:'));
    expect(logs.length).toBeGreaterThan(0);
    expect(rest).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: { 'Fn::Join': ['', [tableArn, '/index/Active']] },
      },
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: tableArn },
      { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: expect.anything() },
      {
        Effect: 'Allow',
        // CDK sorts a statement's actions.
        Action: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:ReceiveMessage',
        ],
        Resource: expect.anything(),
      },
    ]);
    // One name pattern each, whatever the job types: every queue and DLQ, then only the DLQs.
    const send = queueNamePattern(rest[2]?.Resource);
    const reconcile = queueNamePattern(rest[3]?.Resource);
    expect([send, reconcile]).toEqual(['AsyncEndpoints_*', 'AsyncEndpoints_*_dlq']);
    expect(queuesMatching(resources, send)).toEqual(queueNames(resources));
    expect(queuesMatching(resources, reconcile)).toEqual(
      config.jobTypes.map((job) => `AsyncEndpoints_${job.name}_dlq`).sort(),
    );
  });

  it('covers both lanes of a job type with priorities, and no queue of another stage', () => {
    const { stack: other } = createTestStack({ jobTypes: { sleep: { highPriorityMaxConcurrency: 2 } } });
    const json = Template.fromStack(other).toJSON().Resources as typeof resources;
    const roleId = other.getLogicalId(other.sweeper.function.role.node.defaultChild as CfnElement);
    const reconcile = Object.values(json)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => (r.Properties?.Roles ?? []).some((role: Json) => role.Ref === roleId))
      .flatMap((r) => r.Properties?.PolicyDocument.Statement ?? [])
      .find((s: Json) => JSON.stringify(s.Action).includes('sqs:ReceiveMessage'));
    const pattern = queueNamePattern(reconcile?.Resource);
    expect(queuesMatching(json, pattern)).toContain('AsyncEndpoints_sleep_high_dlq');
    expect(queuesMatching(json, pattern)).toContain('AsyncEndpoints_sleep_dlq');
    // A stage whose name extends this one's names its queues `AsyncEndpoints-dev_...`.
    const { stack: dev } = createTestStack({ stackName: 'AsyncEndpoints-dev' });
    expect(queuesMatching(Template.fromStack(dev).toJSON().Resources, pattern)).toEqual([]);
  });

  it('gives the function the table, the queue URL prefix and the bound, and bakes the lanes and thresholds', () => {
    const env = resources[idOf(stack.sweeper.function.function)]?.Properties?.Environment.Variables;
    expect(env[Env.TableName]).toEqual({ Ref: idOf(stack.table.table) });
    expect(env).toHaveProperty(Env.QueueUrlPrefix);
    expect(env).toMatchObject({ [Env.SweeperMaxJobsPerRun]: '500', [Env.RetentionDays]: '30' });
    expect(stack.sweeper.function.manifest).toEqual({
      lanes: Object.fromEntries(config.jobTypes.map((job) => [job.name, false])),
      staleAfterSeconds: Object.fromEntries(
        config.jobTypes.map((job) => [job.name, job.maxMessageAgeSeconds]),
      ),
    });
  });
});

describe('sweeper config', () => {
  it('defaults to every 5 minutes and 500 jobs per run', () => {
    expect(resolveConfig({}).sweeper).toEqual({ intervalMinutes: 5, maxJobsPerRun: 500 });
  });

  it('reports bad values and unknown keys together', () => {
    const bad = () => resolveConfig({ sweeper: { intervalMinutes: 0.5, maxJobsPerRun: 0, every: 1 } });
    expect(bad).toThrow(ConfigError);
    const text = (() => {
      try {
        bad();
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(text).toContain('sweeper.intervalMinutes');
    expect(text).toContain('sweeper.maxJobsPerRun');
    expect(text).toContain('every');
  });
});
