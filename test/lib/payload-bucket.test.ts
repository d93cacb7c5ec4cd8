/**
 * The payload bucket (claim check) in the synthesized template: encryption, TLS only, no public
 * access, lifecycle with the job, and the exact S3 grants of each function.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../../lambdas/runtime-env';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { PAYLOAD_EXPIRY_MARGIN_DAYS } from '../../lib/constructs/payload-bucket';
import { createTestStack } from '../support/cdk-app';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;

let stack: AsyncEndpointsStack;
let resources: Record<string, { Type: string; Properties?: Json; DeletionPolicy?: string }>;
let bucketId: string;

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const objects = (kind: 'input' | 'result') => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, `/jobs/*/${kind}.*`]],
});

/** Every S3 statement granted to a role, by role logical id. */
function s3Grants(): Map<string, Json[]> {
  const grants = new Map<string, Json[]>();
  for (const policy of Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy')) {
    const statements = (policy.Properties?.PolicyDocument.Statement ?? []).filter((s: Json) =>
      JSON.stringify(s.Action).includes('s3:'),
    );
    for (const role of policy.Properties?.Roles ?? []) {
      if (statements.length > 0) grants.set(role.Ref, [...(grants.get(role.Ref) ?? []), ...statements]);
    }
  }
  return grants;
}

beforeAll(() => {
  ({ stack } = createTestStack({ retentionDays: 30 }));
  resources = Template.fromStack(stack).toJSON().Resources;
  bucketId = idOf(stack.payloads.bucket);
});

describe('payload bucket', () => {
  it('is SSE-S3 encrypted, private, owner-enforced, unversioned and retained', () => {
    const bucket = resources[bucketId];
    expect(bucket?.Type).toBe('AWS::S3::Bucket');
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(bucket?.Properties?.VersioningConfiguration).toBeUndefined();
  });

  it('expires payload objects with the job and aborts incomplete uploads', () => {
    expect(resources[bucketId]?.Properties?.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'ExpireWithTheJob',
        Prefix: 'jobs/',
        ExpirationInDays: 30 + PAYLOAD_EXPIRY_MARGIN_DAYS,
        Status: 'Enabled',
      },
      {
        Id: 'AbortIncompleteUploads',
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: 'Enabled',
      },
    ]);
    expect(PAYLOAD_EXPIRY_MARGIN_DAYS).toBe(5);
  });

  it('denies every request without TLS, and TLS below 1.2', () => {
    const policy = Object.values(resources).find((r) => r.Type === 'AWS::S3::BucketPolicy');
    expect(policy?.Properties?.Bucket).toEqual({ Ref: bucketId });
    const statements: Json[] = policy?.Properties?.PolicyDocument.Statement ?? [];
    const bucketAndObjects = [
      { 'Fn::GetAtt': [bucketId, 'Arn'] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/*']] },
    ];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Resource: bucketAndObjects,
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
        Resource: bucketAndObjects,
      }),
    );
  });

  it('grants exactly: submit puts inputs, processors get inputs and put results, get-job gets results', () => {
    const expected = new Map<string, Json[]>([
      [
        idOf(stack.api.submitFunction.role),
        [{ Effect: 'Allow', Action: 's3:PutObject', Resource: objects('input') }],
      ],
      [
        idOf(stack.api.getJobFunction.role),
        [{ Effect: 'Allow', Action: 's3:GetObject', Resource: objects('result') }],
      ],
      ...Object.values(stack.processors).map(
        (p) =>
          [
            idOf(p.processor.role),
            [
              { Effect: 'Allow', Action: 's3:PutObject', Resource: objects('result') },
              { Effect: 'Allow', Action: 's3:GetObject', Resource: objects('input') },
            ],
          ] as [string, Json[]],
      ),
    ]);
    const actual = s3Grants();
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [role, statements] of expected) expect(actual.get(role), role).toEqual(statements);
  });

  it('tells exactly those functions the bucket name and the compression threshold', () => {
    const users = new Set(
      [
        stack.api.submitFunction,
        stack.api.getJobFunction,
        ...Object.values(stack.processors).map((p) => p.processor),
      ].map((f) => idOf(f.function)),
    );
    for (const [id, fn] of Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function')) {
      const env = fn.Properties?.Environment?.Variables ?? {};
      if (users.has(id)) {
        expect(env).toMatchObject({
          [Env.PayloadBucket]: { Ref: bucketId },
          [Env.CompressAboveBytes]: '8192',
        });
      } else {
        expect(env[Env.PayloadBucket], id).toBeUndefined();
      }
    }
  });

  it('is destroyed with the stack when removalPolicy is destroy', () => {
    const { stack: destroyable } = createTestStack({ removalPolicy: 'destroy' });
    const id = destroyable.getLogicalId(destroyable.payloads.bucket.node.defaultChild as CfnElement);
    expect(Template.fromStack(destroyable).toJSON().Resources[id].DeletionPolicy).toBe('Delete');
  });
});
