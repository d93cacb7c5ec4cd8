/**
 * The payload bucket (claim check) in the synthesized template: encryption, TLS only, no public
 * access, lifecycle with the job, the exact S3 grants of each function, and its server access
 * logs' bucket.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Env } from '../../lambdas/runtime-env';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { ACCESS_LOG_EXPIRATION_DAYS } from '../../lib/constructs/access-log-bucket';
import { PAYLOAD_ACCESS_LOG_PREFIX, PAYLOAD_EXPIRY_MARGIN_DAYS } from '../../lib/constructs/payload-bucket';
import { createTestStack } from '../support/cdk-app';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;

let stack: AsyncEndpointsStack;
let resources: Record<string, { Type: string; Properties?: Json; DeletionPolicy?: string }>;
let bucketId: string;
let logBucketId: string;

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
  logBucketId = idOf(stack.payloads.accessLogs.bucket);
});

/** The statements of the bucket policy of `id`. */
function policyStatements(id: string): Json[] {
  const policies = Object.values(resources).filter(
    (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties?.Bucket?.Ref === id,
  );
  expect(policies, `one bucket policy on ${id}`).toHaveLength(1);
  return policies[0]?.Properties?.PolicyDocument.Statement ?? [];
}

/** The TLS-only statements CDK writes for `enforceSSL` and `minimumTLSVersion: 1.2`. */
function expectTlsOnly(id: string): void {
  const statements = policyStatements(id);
  const bucketAndObjects = [
    { 'Fn::GetAtt': [id, 'Arn'] },
    { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] },
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
}

const PRIVATE_SSE_S3 = {
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
};

describe('payload bucket', () => {
  it('is SSE-S3 encrypted, private, owner-enforced, unversioned and retained', () => {
    const bucket = resources[bucketId];
    expect(bucket?.Type).toBe('AWS::S3::Bucket');
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject(PRIVATE_SSE_S3);
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
    expectTlsOnly(bucketId);
    // Nothing but the two denials: access is granted to the roles, not in the bucket policy.
    expect(policyStatements(bucketId).map((s) => s.Effect)).toEqual(['Deny', 'Deny']);
  });

  it('writes server access logs to its own log bucket, under payloads/, partitioned by day', () => {
    expect(resources[bucketId]?.Properties?.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logBucketId },
      LogFilePrefix: PAYLOAD_ACCESS_LOG_PREFIX,
      TargetObjectKeyFormat: { PartitionedPrefix: { PartitionDateSource: 'EventTime' } },
    });
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

  it('is destroyed with the stack, with its log bucket, when removalPolicy is destroy', () => {
    const { stack: destroyable } = createTestStack({ removalPolicy: 'destroy' });
    const destroyed = Template.fromStack(destroyable).toJSON().Resources;
    for (const bucket of [destroyable.payloads.bucket, destroyable.payloads.accessLogs.bucket]) {
      const id = destroyable.getLogicalId(bucket.node.defaultChild as CfnElement);
      expect(destroyed[id].DeletionPolicy, id).toBe('Delete');
    }
  });
});

describe('access log bucket', () => {
  it('is SSE-S3 encrypted, private, owner-enforced, unversioned, retained and not itself logged', () => {
    const bucket = resources[logBucketId];
    expect(bucket?.Type).toBe('AWS::S3::Bucket');
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject(PRIVATE_SSE_S3);
    expect(bucket?.Properties?.VersioningConfiguration).toBeUndefined();
    expect(bucket?.Properties?.LoggingConfiguration).toBeUndefined();
    // The payload bucket is the only one that logs into it.
    const sources = Object.entries(resources).filter(
      ([, r]) => r.Properties?.LoggingConfiguration?.DestinationBucketName?.Ref === logBucketId,
    );
    expect(sources.map(([id]) => id)).toEqual([bucketId]);
  });

  it('expires every log object after ACCESS_LOG_EXPIRATION_DAYS', () => {
    expect(resources[logBucketId]?.Properties?.LifecycleConfiguration.Rules).toEqual([
      { Id: 'ExpireAccessLogs', ExpirationInDays: ACCESS_LOG_EXPIRATION_DAYS, Status: 'Enabled' },
    ]);
    expect(ACCESS_LOG_EXPIRATION_DAYS).toBe(90);
  });

  it('denies every request without TLS, and TLS below 1.2', () => {
    expectTlsOnly(logBucketId);
  });

  it("lets S3 log delivery write the payload bucket's logs, and nothing else", () => {
    const allows = policyStatements(logBucketId).filter((s) => s.Effect === 'Allow');
    expect(allows).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: {
          'Fn::Join': ['', [{ 'Fn::GetAtt': [logBucketId, 'Arn'] }, `/${PAYLOAD_ACCESS_LOG_PREFIX}*`]],
        },
        Condition: {
          ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId, 'Arn'] } },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      },
    ]);
    // No function role reaches it.
    const roles = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    for (const policy of roles) expect(JSON.stringify(policy.Properties)).not.toContain(logBucketId);
  });
});
