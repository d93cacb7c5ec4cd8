/**
 * Whether a stage manages the Region's API Gateway CloudWatch role: its own setting, else what
 * the preflight record read (a role already set: leave it; none, or unknown: create one, retained,
 * since the stage's logging cannot deploy without it).
 */
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { loadConfig, type StageConfigInput } from '../../lib/config';
import type { PreflightRecord } from '../../lib/preflight-record';
import { createTestApp } from '../support/cdk-app';
import { ACCOUNT, KEY, preflightRecord, REGION } from '../support/preflight-account';

const ENV = { CDK_DEFAULT_ACCOUNT: ACCOUNT, CDK_DEFAULT_REGION: REGION };
const ROLE = `arn:aws:iam::${ACCOUNT}:role/api-gateway-logs`;

function synth(config: StageConfigInput, record?: PreflightRecord) {
  const app = createTestApp(config, record ? { [KEY]: record } : {});
  const stageConfig = loadConfig(app, ENV);
  const stack = new AsyncEndpointsStack(app, stageConfig.stackName, { config: stageConfig });
  const template = Template.fromStack(stack);
  const notices = Annotations.fromStack(stack)
    .findInfo('*', Match.stringLikeRegexp('API Gateway CloudWatch role'))
    .map((m) => String(m.entry.data));
  return {
    manages: Object.keys(template.findResources('AWS::ApiGateway::Account')).length === 1,
    template,
    notices,
  };
}

describe('manageApiGatewayAccount left unset', () => {
  it('creates the role and the setting, both retained, without a preflight record', () => {
    const { manages, template, notices } = synth({});
    expect(manages).toBe(true);
    template.hasResource('AWS::ApiGateway::Account', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResource('AWS::IAM::Role', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })],
        }),
      }),
    });
    expect(notices).toEqual([]);
  });

  it('creates them when the record shows the Region has no role', () => {
    expect(synth({}, preflightRecord(1000, { apiGatewayRole: null })).manages).toBe(true);
  });

  it('creates them when the record could not read the setting', () => {
    const record = {
      ...preflightRecord(1000),
      apiGatewayAccount: { source: 'unknown' as const, reason: 'AccessDenied' },
    };
    expect(synth({}, record).manages).toBe(true);
  });

  it('leaves the setting alone when the record shows a role already set, and says so once', () => {
    const { manages, template, notices } = synth({}, preflightRecord(1000, { apiGatewayRole: ROLE }));
    expect(manages).toBe(false);
    expect(
      Object.keys(
        template.findResources('AWS::IAM::Role', {
          Properties: Match.objectLike({ Description: Match.stringLikeRegexp('API Gateway') }),
        }),
      ),
    ).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(ROLE);
  });
});

describe('manageApiGatewayAccount set by the stage', () => {
  it('wins over the record either way', () => {
    expect(
      synth({ manageApiGatewayAccount: true }, preflightRecord(1000, { apiGatewayRole: ROLE })).manages,
    ).toBe(true);
    expect(
      synth({ manageApiGatewayAccount: false }, preflightRecord(1000, { apiGatewayRole: null })).manages,
    ).toBe(false);
    expect(synth({ manageApiGatewayAccount: false }).manages).toBe(false);
  });
});
