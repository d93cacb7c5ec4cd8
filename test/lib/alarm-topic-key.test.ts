/** The alarm topic's key policy: grants only for AWS services (Control Tower's CT.KMS.PR.3). */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createTestStack } from '../support/cdk-app';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;

describe('alarm topic key', () => {
  it('denies kms:CreateGrant to everyone but AWS services acting for the account', () => {
    const { stack } = createTestStack();
    const keys = Object.values(Template.fromStack(stack).toJSON().Resources as Record<string, Json>).filter(
      (r) => r.Type === 'AWS::KMS::Key',
    );
    expect(keys).toHaveLength(1);
    const statements: Json[] = keys[0]?.Properties.KeyPolicy.Statement;
    expect(statements).toContainEqual({
      Sid: 'DenyGrantsExceptForAwsServices',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    });
    // The deny touches grants only: CloudWatch still encrypts what alarms publish.
    const denies = statements.filter((s) => s.Effect === 'Deny');
    expect(denies.map((s) => s.Action)).toEqual(['kms:CreateGrant']);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });
});
