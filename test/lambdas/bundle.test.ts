/**
 * The bundled functions load and run as Lambda runs them: an ESM bundle built with the options
 * `JobFunction` gives NodejsFunction (minified, AWS SDK and Powertools Tracer included, the
 * `require` banner), imported by a plain Node process with tracing on. This catches the Tracer's
 * "Dynamic require of 'util' is not supported" in an ESM bundle, which no unit test can; and it
 * proves the stage manifest is baked into a bundle and read there, with no environment variable.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDbJobStore } from '../../lambdas/adapters/dynamodb-job-store';
import { Env } from '../../lambdas/runtime-env';
import type { StageManifest } from '../../lambdas/stage-manifest';
import { GET_JOB_ENTRY } from '../../lib/constructs/job-api';
import {
  ESM_REQUIRE_BANNER,
  JobFunction,
  PROJECT_ROOT,
  stageManifestDefine,
} from '../../lib/constructs/job-function';
import { PROCESSOR_ENTRY } from '../../lib/constructs/job-type-processor';
import { startDynamoDb } from '../../local/emulators/dynamodb';
import { createJobTable } from '../../local/provision';
import { ALICE, apiEvent } from '../support/api-events';
import { aJob } from '../support/jobs';

const outDir = mkdtempSync(path.join(tmpdir(), 'bundle-test-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/**
 * Bundles `entry` as NodejsFunction does with JobFunction's bundling options, `manifest` baked
 * in as JobFunction bakes it.
 */
async function bundle(entry: string, manifest?: StageManifest): Promise<string> {
  const outfile = path.join(outDir, path.basename(entry, '.ts'), 'index.mjs');
  await build({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    banner: { js: ESM_REQUIRE_BANNER },
    ...(manifest ? { define: stageManifestDefine(manifest) } : {}),
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** Imports the bundle in a fresh Node process with Lambda's tracing environment, calls its handler. */
async function invoke(bundlePath: string, env: Record<string, string>, event: unknown): Promise<unknown> {
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(bundlePath).href)});
    const context = { getRemainingTimeInMillis: () => 30000, functionName: 'f', awsRequestId: 'r' };
    const result = await handler(${JSON.stringify(event)}, context);
    process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');
  `;
  let out: string;
  try {
    out = await run(script, env);
  } catch (error) {
    // Keep the failure readable: the error lines (a RuntimeConfigError's problems too), not the
    // minified source Node quotes with them.
    const stderr = String((error as { stderr?: unknown }).stderr ?? error);
    throw new Error(
      stderr
        .split('\n')
        .filter((l) => /^\w*Error\b|^- |^\s+at /.test(l))
        .slice(0, 8)
        .join('\n'),
    );
  }
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  return line === undefined ? undefined : JSON.parse(line.slice('RESULT '.length));
}

/** Asynchronous, so an emulator in this process keeps answering the child. */
async function run(script: string, env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      // As Lambda sets them with active tracing (segments go to a daemon address nothing listens on: UDP, fire and forget).
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
      LAMBDA_TASK_ROOT: outDir,
      _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
      POWERTOOLS_SERVICE_NAME: 'BundleTest',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      ...env,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return stdout;
}

describe('bundled processor', () => {
  const env = {
    [Env.TableName]: 'jobs',
    [Env.RetentionDays]: '30',
    [Env.TableActiveShards]: '16',
    [Env.TableOwnerShards]: '1',
    [Env.JobName]: 'echo',
    [Env.QueueUrlPrefix]: 'https://sqs.us-east-1.amazonaws.com/111111111111/Stage_',
    [Env.PayloadBucket]: 'payloads',
    [Env.CompressAboveBytes]: '8192',
  };

  it('loads with tracing on and its baked manifest, and answers an empty batch', async () => {
    const file = await bundle(PROCESSOR_ENTRY, { settings: { echo: { maxRetries: 1 } } });
    expect(await invoke(file, env, { Records: [] })).toEqual({ batchItemFailures: [] });
  });

  it('reads what was baked (a malformed manifest is quoted at load), not the environment', async () => {
    const file = await bundle(PROCESSOR_ENTRY, { pollIntervals: {} });
    const withEnvManifest = { ...env, [Env.StageManifest]: '{"settings":{}}' };
    await expect(invoke(file, withEnvManifest, { Records: [] })).rejects.toThrow(
      "the stage manifest baked into this bundle lacks 'settings'",
    );
  });

  it('fails at load, naming STAGE_MANIFEST, when nothing was baked and the variable is unset', async () => {
    const file = await bundle(PROCESSOR_ENTRY);
    await expect(invoke(file, env, { Records: [] })).rejects.toThrow(
      `${Env.StageManifest} is not set, and no stage manifest was baked into this bundle`,
    );
  });
});

describe('a JobFunction bundled by NodejsFunction', () => {
  it('bakes its manifest into the bundle, and get-job answers with the baked poll interval', async () => {
    // CloudFormation's schema check is slow and beside the point here.
    const app = new App({ outdir: path.join(outDir, 'cdk.out'), builtinCloudFormationValidation: false });
    const stack = new Stack(app, 'BundleTest');
    new JobFunction(stack, 'GetJob', {
      entry: GET_JOB_ENTRY,
      description: 'get-job, bundled for real',
      timeout: Duration.seconds(10),
      memoryMiB: 256,
      environment: {},
      serviceName: 'BundleTest',
      logRetention: logs.RetentionDays.ONE_DAY,
      removalPolicy: 'destroy',
      manifest: { pollIntervals: { echo: 7, 'long-name': 3 } },
    });
    const assembly = app.synth();
    const assets = readdirSync(assembly.directory).filter((name) => name.startsWith('asset.'));
    expect(assets).toHaveLength(1);
    const file = path.join(assembly.directory, assets[0] ?? '', 'index.mjs');
    // The data is in the code (minified: esbuild prints the object literal it was given).
    expect(readFileSync(file, 'utf8')).toMatch(/pollIntervals:\{echo:7,"long-name":3\}/);

    // And read: a waiting job's Retry-After is the baked interval, with no manifest in the environment.
    const dynamodb = await startDynamoDb({ prefer: 'dynalite' });
    try {
      const tableName = 'bundle-test-jobs';
      await createJobTable(dynamodb.client, tableName);
      const job = aJob({
        name: 'echo',
        owner: ALICE,
        status: 'Queued',
        expiresAt: Math.floor(Date.now() / 1000) + 86_400,
      });
      await new DynamoDbJobStore(dynamodb.documentClient, tableName).create(job);
      const env = {
        [Env.TableName]: tableName,
        [Env.TableActiveShards]: '16',
        [Env.TableOwnerShards]: '1',
        [Env.PayloadBucket]: 'payloads',
        [Env.CompressAboveBytes]: '8192',
        AWS_ENDPOINT_URL_DYNAMODB: dynamodb.endpoint,
      };
      const response = (await invoke(
        file,
        env,
        apiEvent({ method: 'GET', nameOrId: job.id, body: null }),
      )) as {
        statusCode: number;
        headers: Record<string, string>;
      };
      expect(response.statusCode).toBe(200);
      expect(response.headers['Retry-After']).toBe('7');
    } finally {
      await dynamodb.stop();
    }
    // Real bundling and a child process on a loaded 2-core machine.
  }, 180_000);
});

describe('bundles of get-job and retry-job', () => {
  it.each(['lambdas/api/get-job-handler.ts', 'lambdas/api/retry-job-handler.ts'])(
    '%s carry no job type and no zod: they read the poll intervals the stack resolved',
    async (entry) => {
      const result = await build({
        entryPoints: [path.join(PROJECT_ROOT, entry)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        mainFields: ['module', 'main'],
        write: false,
        metafile: true,
        outdir: outDir,
        logLevel: 'error',
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(
        inputs.filter((file) => file.includes('lambdas/jobs/') || file.includes('node_modules/zod/')),
      ).toEqual([]);
      expect(inputs.some((file) => file.includes('lambdas/core/catalog.ts'))).toBe(true);
    },
  );
});
