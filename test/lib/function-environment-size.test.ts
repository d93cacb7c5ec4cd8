/**
 * Lambda's 4 KB environment limit at synth: the estimate (literals exact, tokens at their
 * longest), the refusal by function name and size, and the stages' real margins.
 */
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineJobType, type JobType } from '../../lambdas/core/job-type';
import { sqsQueueUrlPrefix } from '../../lambdas/queue-names';
import { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { type ProfileName, resolveConfig } from '../../lib/config';
import {
  environmentBytes,
  functionEnvironmentSizes,
  MAX_FUNCTION_ENVIRONMENT_BYTES,
  UNKNOWN_TOKEN_BYTES,
} from '../../lib/function-environment-size';
import { createTestApp, createTestStack } from '../support/cdk-app';

const job = (name: string, settings: JobType['settings'] = {}) =>
  defineJobType({ name, description: name, input: z.unknown(), settings, handler: async () => null });

/** The longest plausible values the estimate assumes: Region, URL suffix, account, partition. */
const REGION = 'r'.repeat(16);
const URL_SUFFIX = 's'.repeat(16);
const ACCOUNT = '1'.repeat(12);
const PARTITION = 'p'.repeat(10);

describe('environmentBytes', () => {
  it('counts literal variables exactly as the JSON object Lambda measures', () => {
    const variables = { A: 'x', UNICODE: 'é€😀', ESCAPED: 'say "hi"\n\\', EMPTY: '' };
    expect(environmentBytes(variables, new Map())).toBe(Buffer.byteLength(JSON.stringify(variables)));
    expect(environmentBytes({}, new Map())).toBe(0);
  });

  it('counts a token at the longest value it can resolve to, an unknown one at the ceiling', () => {
    const types = new Map([
      ['Queue', 'AWS::SQS::Queue'],
      ['Table', 'AWS::DynamoDB::Table'],
      ['Thing', 'AWS::Custom::Thing'],
    ]);
    const measured = (value: unknown) => environmentBytes({ V: value }, types) - '{"V":""}'.length;
    expect(measured({ Ref: 'Queue' })).toBe(
      `https://sqs.${REGION}.${URL_SUFFIX}/${ACCOUNT}/${'q'.repeat(80)}`.length,
    );
    expect(measured({ 'Fn::GetAtt': ['Queue', 'Arn'] })).toBe(
      `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT}:${'q'.repeat(80)}`.length,
    );
    expect(measured({ Ref: 'Table' })).toBe(255);
    expect(measured({ Ref: 'AWS::AccountId' })).toBe(12);
    expect(measured({ Ref: 'Thing' })).toBe(UNKNOWN_TOKEN_BYTES);
    expect(measured({ 'Fn::Sub': 'x' })).toBe(UNKNOWN_TOKEN_BYTES);
    // The queue URL prefix the functions get: literals, and the pseudo parameters at their longest.
    const { stack } = createTestStack();
    const prefix = stack.resolve(
      sqsQueueUrlPrefix({
        region: stack.region,
        urlSuffix: stack.urlSuffix,
        account: stack.account,
        stackName: 'S',
      }),
    );
    expect(prefix).toHaveProperty('Fn::Join');
    expect(measured(prefix)).toBe(`https://sqs.${REGION}.${URL_SUFFIX}/${ACCOUNT}/S_`.length);
  });
});

describe('cdk synth', () => {
  it('refuses a function whose environment would exceed 4 KB, by construct path and size', () => {
    const { app, stack } = createTestStack();
    const queue = stack.processors.echo?.queue;
    if (!queue) throw new Error('expected the echo queue');
    // A test-only function: 4,000 literal bytes plus a queue URL that resolves only at deploy.
    new lambda.Function(stack, 'TestOnlyOversized', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
      environment: { BIG: 'x'.repeat(4000), QUEUE_URL: queue.queueUrl },
    });
    const queueUrl = `https://sqs.${REGION}.${URL_SUFFIX}/${ACCOUNT}/${'q'.repeat(80)}`;
    const expected = Buffer.byteLength(JSON.stringify({ BIG: 'x'.repeat(4000), QUEUE_URL: queueUrl }));
    expect(expected).toBeGreaterThan(MAX_FUNCTION_ENVIRONMENT_BYTES);
    expect(() => app.synth()).toThrow(
      `Lambda function 'AsyncEndpoints/TestOnlyOversized' has an environment of about ${expected} bytes (unresolved values counted at their longest); Lambda allows 4096 bytes`,
    );
  });

  it('lets a function at the limit through', () => {
    const { app, stack } = createTestStack();
    const variables = { BIG: 'x'.repeat(MAX_FUNCTION_ENVIRONMENT_BYTES - '{"BIG":""}'.length) };
    new lambda.Function(stack, 'TestOnlyAtTheLimit', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
      environment: variables,
    });
    expect(() => app.synth()).not.toThrow();
  });
});

describe('the stages', () => {
  /** A stage of `count` job types with 30-character names, every third with a high-priority lane. */
  function stage(profile: ProfileName, count: number) {
    const definitions = Array.from({ length: count }, (_, i) =>
      job(
        `job-type-with-a-long-name-${String(i).padStart(4, '0')}`,
        i % 3 === 0 ? { highPriorityMaxConcurrency: 2 } : {},
      ),
    );
    // The longest stack name these job names allow: `<stack>_<job>_high_dlq` fills SQS's 80.
    const config = resolveConfig(
      { profile, stackName: `S${'s'.repeat(39)}`, accountConcurrency: 1_000_000 },
      definitions,
    );
    return new AsyncEndpointsStack(createTestApp(), config.stackName, { config });
  }
  const largest = (stack: AsyncEndpointsStack) =>
    Math.max(...functionEnvironmentSizes(stack).map((fn) => fn.bytes));

  it.each(['small', 'medium', 'large'] as ProfileName[])(
    '%s: every function stays under a quarter of 4 KB, and no environment grows with the job types',
    (profile) => {
      const one = stage(profile, 1);
      const many = stage(profile, 24);
      const sizes = functionEnvironmentSizes(many);
      expect(sizes).toHaveLength(24 + 7);
      expect(largest(many)).toBeLessThan(MAX_FUNCTION_ENVIRONMENT_BYTES / 4);
      // The API functions and the sweeper: the same size for 1 job type as for 24.
      const byPath = (stack: AsyncEndpointsStack) =>
        Object.fromEntries(
          functionEnvironmentSizes(stack)
            .filter((fn) => !fn.path.includes('/JobType-'))
            .map((fn) => [fn.path, fn.bytes]),
        );
      expect(byPath(many)).toEqual(byPath(one));
      expect(largest(many)).toBe(largest(one));
    },
  );
});
