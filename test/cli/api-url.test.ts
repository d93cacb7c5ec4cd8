/**
 * Where the CLI sends requests: --url, then ASYNC_ENDPOINTS_URL, then --local, then the stack's
 * ApiUrl output (CloudFormation DescribeStacks, mocked at the SDK client: no AWS account here).
 */

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_URL, resolveApiUrl, stackNameFromCdkJson } from '../../cli/api-url';
import { API_URL_OUTPUT_KEY, readStackOutput } from '../../cli/stack-output';
import { UsageError } from '../../cli/usage-error';
import { createTestStack } from '../support/cdk-app';

const root = path.join(__dirname, '..', '..');
const cloudFormation = mockClient(CloudFormationClient);
afterEach(() => cloudFormation.reset());

describe('resolveApiUrl', () => {
  const base = { env: {}, cwd: root };
  const noStack = async () => {
    throw new Error('should not be read');
  };

  it('takes --url first, then ASYNC_ENDPOINTS_URL, then --local', async () => {
    const env = { ASYNC_ENDPOINTS_URL: 'https://env.example/prod/' };
    expect(
      await resolveApiUrl({
        ...base,
        env,
        url: 'http://127.0.0.1:4000',
        local: true,
        readStackOutput: noStack,
      }),
    ).toEqual({
      url: 'http://127.0.0.1:4000/',
      source: 'option',
    });
    expect(await resolveApiUrl({ ...base, env, local: true, readStackOutput: noStack })).toEqual({
      url: 'https://env.example/prod/',
      source: 'environment',
    });
    expect(await resolveApiUrl({ ...base, local: true, readStackOutput: noStack })).toEqual({
      url: LOCAL_URL,
      source: 'local',
    });
  });

  it("reads the stack's ApiUrl output otherwise, from --stack or cdk.json's stack name", async () => {
    const asked: unknown[] = [];
    const read = async (...args: unknown[]) => {
      asked.push(args);
      return 'https://abc.execute-api.eu-west-1.amazonaws.com/prod/';
    };
    expect(await resolveApiUrl({ ...base, readStackOutput: read, region: 'eu-west-1' })).toMatchObject({
      source: 'stack',
    });
    await resolveApiUrl({ ...base, stack: 'Other', readStackOutput: read });
    expect(asked).toEqual([
      ['AsyncEndpoints', 'ApiUrl', 'eu-west-1'],
      ['Other', 'ApiUrl', undefined],
    ]);
  });

  it('says how to give a URL when there is none', async () => {
    const failing = async () => {
      throw new Error('Could not load credentials from any providers');
    };
    const error = await resolveApiUrl({ ...base, readStackOutput: failing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(
      /pass --url, set ASYNC_ENDPOINTS_URL, or use --local.*Could not load credentials/,
    );
    await expect(resolveApiUrl({ ...base, readStackOutput: async () => undefined })).rejects.toThrow(
      /has no ApiUrl output/,
    );
    await expect(resolveApiUrl({ ...base, url: 'ftp://x' })).rejects.toThrow(/not an http\(s\) URL/);
  });

  it("uses cdk.json's stackName when set", async () => {
    expect(stackNameFromCdkJson(root)).toBe('AsyncEndpoints');
    const dir = await mkdtemp(path.join(tmpdir(), 'cdk-json-'));
    await writeFile(
      path.join(dir, 'cdk.json'),
      JSON.stringify({ context: { asyncEndpoints: { stackName: 'Jobs-Staging' } } }),
    );
    expect(stackNameFromCdkJson(dir)).toBe('Jobs-Staging');
  });
});

describe('readStackOutput', () => {
  it('calls DescribeStacks and picks the output', async () => {
    cloudFormation.on(DescribeStacksCommand, { StackName: 'AsyncEndpoints' }).resolves({
      Stacks: [
        {
          StackName: 'AsyncEndpoints',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: 'TableName', OutputValue: 'jobs' },
            { OutputKey: 'ApiUrl', OutputValue: 'https://abc.execute-api.us-east-1.amazonaws.com/prod/' },
          ],
        },
      ],
    });
    expect(await readStackOutput('AsyncEndpoints', 'ApiUrl', 'us-east-1')).toBe(
      'https://abc.execute-api.us-east-1.amazonaws.com/prod/',
    );
    expect(await readStackOutput('AsyncEndpoints', 'Missing', 'us-east-1')).toBeUndefined();
  });

  it('reads the output the stack really defines', () => {
    const { stack } = createTestStack();
    expect(Object.keys(Template.fromStack(stack).findOutputs(API_URL_OUTPUT_KEY))).toEqual([
      API_URL_OUTPUT_KEY,
    ]);
  });
});
