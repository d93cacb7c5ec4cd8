/**
 * The bundled functions load and run as Lambda runs them: an ESM bundle built with the options
 * `JobFunction` gives NodejsFunction (minified, AWS SDK and Powertools Tracer included, the
 * `require` banner), imported by a plain Node process with tracing on. This catches the Tracer's
 * "Dynamic require of 'util' is not supported" in an ESM bundle, which no unit test can.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { Env } from '../../lambdas/runtime-env';
import { ESM_REQUIRE_BANNER, PROJECT_ROOT } from '../../lib/constructs/job-function';
import { PROCESSOR_ENTRY } from '../../lib/constructs/job-type-processor';

const outDir = mkdtempSync(path.join(tmpdir(), 'bundle-test-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Bundles `entry` as NodejsFunction does with JobFunction's bundling options. */
async function bundle(entry: string): Promise<string> {
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
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/** Imports the bundle in a fresh Node process with Lambda's tracing environment, calls its handler. */
function invoke(bundlePath: string, env: Record<string, string>, event: unknown): unknown {
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(bundlePath).href)});
    const context = { getRemainingTimeInMillis: () => 30000, functionName: 'f', awsRequestId: 'r' };
    const result = await handler(${JSON.stringify(event)}, context);
    process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');
  `;
  let out: string;
  try {
    out = run(script, env);
  } catch (error) {
    // Keep the failure readable: the error lines, not the minified source Node quotes with them.
    const stderr = String((error as { stderr?: unknown }).stderr ?? error);
    throw new Error(
      stderr
        .split('\n')
        .filter((l) => /^\w*Error\b|^\s+at /.test(l))
        .slice(0, 8)
        .join('\n'),
    );
  }
  const line = out.split('\n').find((l) => l.startsWith('RESULT '));
  return line === undefined ? undefined : JSON.parse(line.slice('RESULT '.length));
}

function run(script: string, env: Record<string, string>): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
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
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('bundled processor', () => {
  it('loads with tracing on and answers an empty batch', async () => {
    const file = await bundle(PROCESSOR_ENTRY);
    const env = {
      [Env.TableName]: 'jobs',
      [Env.JobSettings]: '{}',
      [Env.RetentionDays]: '30',
      [Env.TableActiveShards]: '16',
      [Env.TableOwnerShards]: '1',
      [Env.JobName]: 'echo',
      [Env.QueueUrl]: 'https://sqs.us-east-1.amazonaws.com/111111111111/echo',
      [Env.DeadLetterQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/111111111111/echo-dlq',
      [Env.PayloadBucket]: 'payloads',
      [Env.CompressAboveBytes]: '8192',
    };
    expect(invoke(file, env, { Records: [] })).toEqual({ batchItemFailures: [] });
  });
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
