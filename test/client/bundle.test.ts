/**
 * The client ships to callers: bundled, it holds the client and the core's pure job-status
 * module, and nothing of the CDK, lib/, the local mode, the handlers, zod or the job catalog
 * (whose types it uses only at compile time).
 */
import * as path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = path.join(__dirname, '..', '..');

describe('the client bundle', () => {
  it('holds only the client and pure core modules', async () => {
    const result = await build({
      entryPoints: [path.join(root, 'client', 'index.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      write: false,
      metafile: true,
      minify: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    const ours = inputs.filter((file) => !file.startsWith('node_modules/'));
    expect(ours.sort()).toEqual([
      'client/errors.ts',
      'client/index.ts',
      'client/jobs-client.ts',
      'client/polling.ts',
      'client/signing.ts',
      'lambdas/core/job-status.ts',
    ]);
    const packages = new Set(
      inputs.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/').slice(1, 3).join('/')),
    );
    for (const banned of [
      'aws-cdk-lib/',
      'constructs/',
      'zod/',
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-sqs',
      '@aws-lambda-powertools/',
    ]) {
      expect([...packages].filter((p) => p.startsWith(banned))).toEqual([]);
    }
  });
});
