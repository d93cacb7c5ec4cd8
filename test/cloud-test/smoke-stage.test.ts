/** The smoke stage's name and config, and the stack it synthesizes to. */
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { OUTPUTS } from '../../cloud-test/run-cloud-test';
import {
  isSmokeStackName,
  MAX_SMOKE_STACK_NAME_LENGTH,
  SMOKE_STACK_PREFIX,
  smokeStackName,
  smokeStage,
} from '../../cloud-test/smoke-stage';
import { createTestStack } from '../support/cdk-app';

/** CloudFormation's rule for stack names. */
const CLOUDFORMATION_STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

describe('smokeStackName', () => {
  it('is a valid CloudFormation stack name of at most 30 characters, made of time and randomness', () => {
    const name = smokeStackName(Date.UTC(2030, 0, 1), () => Uint8Array.from([0, 35, 71]));
    expect(name).toBe(`${SMOKE_STACK_PREFIX}${(Date.UTC(2030, 0, 1) / 1000).toString(36)}-0zz`);
    expect(name).toMatch(CLOUDFORMATION_STACK_NAME);
    expect(name.length).toBeLessThanOrEqual(MAX_SMOKE_STACK_NAME_LENGTH);
    expect(isSmokeStackName(name)).toBe(true);
  });

  it('stays within 30 characters until 2038 (6 base-36 digits of seconds)', () => {
    const name = smokeStackName(Date.UTC(2038, 0, 1), () => Uint8Array.from([255, 255, 255]));
    expect(name).toHaveLength(30);
    expect(isSmokeStackName(name)).toBe(true);
  });

  it('gives runs started in the same second different names', () => {
    const now = Date.now();
    const names = new Set(Array.from({ length: 200 }, () => smokeStackName(now)));
    // 3 random base-36 characters: 200 draws from 46,656 collide rarely; most must differ.
    expect(names.size).toBeGreaterThan(190);
    for (const name of names) expect(isSmokeStackName(name)).toBe(true);
  });

  it.each([
    ['another stack', 'AsyncEndpoints'],
    ['a name past 30 characters', `${SMOKE_STACK_PREFIX}tb2k1q-x7f-and-more`],
    ['a trailing dash', `${SMOKE_STACK_PREFIX}tb2k1q-`],
    ['other characters', `${SMOKE_STACK_PREFIX}tb2k1q_x7f`],
  ])('does not take %s for a smoke stage', (_, name) => {
    expect(isSmokeStackName(name)).toBe(false);
  });
});

describe('the smoke stage', () => {
  const stage = smokeStage(smokeStackName(), 'eu-west-1');
  const config = JSON.parse(stage.contextJson);
  const { app, stack } = createTestStack(config);
  const template = Template.fromStack(stack);

  it('is the default stage, deleted with everything in it, with no alarm email; a Region-wide API Gateway role it makes outlives it', () => {
    expect(config).toEqual({ stackName: stage.stackName, removalPolicy: 'destroy' });
    expect(stack.stackName).toBe(stage.stackName);
    // No preflight record here, so it makes one; retained, unlike everything else.
    template.hasResource('AWS::ApiGateway::Account', { DeletionPolicy: 'Retain' });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    for (const [, bucket] of Object.entries(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.DeletionPolicy).toBe('Delete');
    }
  });

  it('has every output the smoke test reads, the alarm topic being the one its alarms notify', () => {
    for (const key of Object.values(OUTPUTS)) template.hasOutput(key, {});
    const topic = template.findOutputs(OUTPUTS.alarmTopic)[OUTPUTS.alarmTopic]?.Value;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topic]);
  });

  it('passes cdk-nag AwsSolutions', () => {
    expect(new AwsSolutionsChecks(app).validateScope(stack).violations).toEqual([]);
  });
});
