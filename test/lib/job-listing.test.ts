/**
 * `GET /jobs` in the stack: the ByOwner index, the IAM-authorized route, and a function that may
 * Query that index and read only the live summary attributes of the table.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../../lambdas/runtime-env';
import { BY_OWNER_INDEX } from '../../lambdas/table-schema';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { LIST_JOBS_ENTRY } from '../../lib/constructs/job-api';
import { createTestStack } from '../support/cdk-app';
import { isTraceWrite } from '../support/xray';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;

let stack: AsyncEndpointsStack;
let template: Template;
let resources: Record<string, { Type: string; Properties?: Json }>;

beforeAll(() => {
  ({ stack } = createTestStack());
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('job listing', () => {
  it('indexes the job table by owner shard and createdKey, projecting only what never changes after submit, on demand', () => {
    const table = resources[idOf(stack.table.table)]?.Properties ?? {};
    expect(table.GlobalSecondaryIndexes).toContainEqual({
      IndexName: 'ByOwner',
      KeySchema: [
        { AttributeName: 'ownerShard', KeyType: 'HASH' },
        { AttributeName: 'createdKey', KeyType: 'RANGE' },
      ],
      // Nothing a claim, outcome or lease renewal writes (status, timestamps, expiresAt, lease,
      // version), so only the submit's put writes this index; no input, result or history.
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['name', 'createdAt'] },
    });
    expect(table.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'ownerShard', AttributeType: 'S' },
        { AttributeName: 'createdKey', AttributeType: 'S' },
      ]),
    );
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(BY_OWNER_INDEX.indexName).toBe('ByOwner');
  });

  it('routes GET /jobs, IAM-authorized, to its own function through a proxy integration', () => {
    const [jobsId] =
      ofType('AWS::ApiGateway::Resource').find(([, r]) => r.Properties?.PathPart === 'jobs') ?? [];
    expect(jobsId).toBeDefined();
    const methods = ofType('AWS::ApiGateway::Method').filter(
      ([, m]) => m.Properties?.ResourceId?.Ref === jobsId,
    );
    expect(methods.map(([, m]) => m.Properties?.HttpMethod)).toEqual(['GET']);
    const method = methods[0]?.[1].Properties ?? {};
    expect(method).toMatchObject({ AuthorizationType: 'AWS_IAM', Integration: { Type: 'AWS_PROXY' } });
    expect(JSON.stringify(method.Integration.Uri)).toContain(
      `"${idOf(stack.api.listJobsFunction.function)}"`,
    );
  });

  it('gives the function the table name, its shard counts and nothing it does not read', () => {
    const fn = resources[idOf(stack.api.listJobsFunction.function)]?.Properties ?? {};
    expect(fn.Environment.Variables).toEqual({
      [Env.TableName]: { Ref: idOf(stack.table.table) },
      [Env.TableActiveShards]: '16',
      [Env.TableOwnerShards]: '1',
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'AsyncEndpoints',
    });
    expect(fn.Description).toMatch(/ByOwner/);
    expect(LIST_JOBS_ENTRY).toBe('lambdas/api/list-jobs-handler.ts');
  });

  it('lets the function Query exactly the ByOwner index ARN and BatchGet only the live summary attributes of the table', () => {
    const roleId = idOf(stack.api.listJobsFunction.role);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties?.Roles ?? []).some((r: Json) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties?.PolicyDocument.Statement as Json[])
      .filter((s) => !isTraceWrite(s));
    const dynamo = statements.filter((s) => JSON.stringify(s.Action).includes('dynamodb:'));
    expect(dynamo).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:Query',
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [idOf(stack.table.table), 'Arn'] }, '/index/ByOwner']],
        },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:BatchGetItem',
        Resource: { 'Fn::GetAtt': [idOf(stack.table.table), 'Arn'] },
        // Only the summary's live attributes: no input, result or owner of any job by id.
        Condition: {
          'ForAllValues:StringEquals': {
            'dynamodb:Attributes': ['id', 'status', 'startedAt', 'completedAt', 'expiresAt'],
          },
          StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
        },
      },
    ]);
    // Besides that, only its own log group (as every function) and the X-Ray trace writes.
    const others = statements.filter((s) => !JSON.stringify(s.Action).includes('dynamodb:'));
    for (const s of others) expect(JSON.stringify(s.Action)).toMatch(/^\[?"logs:/);
  });

  it('is the only function that may Query the table, besides the sweeper on its own index', () => {
    const queriers = ofType('AWS::IAM::Policy').filter(([, p]) =>
      JSON.stringify(p.Properties?.PolicyDocument).includes('dynamodb:Query'),
    );
    // The recovery sweeper Queries only the Active index (see job-sweeper.test.ts).
    expect(queriers.flatMap(([, p]) => p.Properties?.Roles)).toEqual(
      expect.arrayContaining([{ Ref: idOf(stack.api.listJobsFunction.role) }]),
    );
    expect(queriers.flatMap(([, p]) => p.Properties?.Roles)).toHaveLength(2);
    expect(JSON.stringify(queriers)).toContain(idOf(stack.sweeper.function.role));
  });
});
