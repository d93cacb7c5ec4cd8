/** The CDK CLI toolkit and the preflight step, with a stub command runner. */
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { CommandRunner, RunOptions } from '../../cloud-test/command-runner';
import { PreflightRefusedError, runPreflight } from '../../cloud-test/preflight';
import { smokeStage } from '../../cloud-test/smoke-stage';
import { cdkCliToolkit } from '../../cloud-test/toolkit';

const STACK = 'AsyncEndpointsSmoke-tb2k1q-x7f';
const stage = smokeStage(STACK, 'eu-west-1');
const CONTEXT = `asyncEndpoints={"stackName":"${STACK}","removalPolicy":"destroy"}`;

/** A runner that records each call and answers with `answer` (which may write files). */
function stubRunner(answer: (args: readonly string[]) => Promise<{ exitCode: number; output: string }>) {
  const calls: { command: string; args: readonly string[]; options: RunOptions | undefined }[] = [];
  const run: CommandRunner = async (command, args, options) => {
    calls.push({ command, args, options });
    return answer(args);
  };
  return { run, calls };
}

describe('cdkCliToolkit', () => {
  it('deploys with the CDK CLI, no approval, the stage config as context, and returns its outputs', async () => {
    const { run, calls } = stubRunner(async (args) => {
      const file = args[args.indexOf('--outputs-file') + 1] ?? '';
      await writeFile(file, JSON.stringify({ [STACK]: { ApiUrl: 'https://api/prod/' } }));
      return { exitCode: 0, output: 'deployed' };
    });
    const outputs = await cdkCliToolkit({ run, cwd: '/app' }).deploy(stage);
    expect(outputs).toEqual({ ApiUrl: 'https://api/prod/' });
    const [call] = calls;
    expect(call?.command).toBe('npx');
    expect(call?.args).toEqual([
      'cdk',
      'deploy',
      STACK,
      '--require-approval',
      'never',
      '--outputs-file',
      expect.stringMatching(/outputs\.json$/),
      '-c',
      CONTEXT,
    ]);
    expect(call?.options).toMatchObject({
      cwd: '/app',
      env: { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' },
    });
  });

  it('destroys without asking, with the same context (so the app builds the same stack)', async () => {
    const { run, calls } = stubRunner(async () => ({ exitCode: 0, output: '' }));
    await cdkCliToolkit({ run }).destroy(stage);
    expect(calls[0]?.args).toEqual(['cdk', 'destroy', STACK, '--force', '-c', CONTEXT]);
  });

  it("fails with the CLI's exit code and last lines", async () => {
    const output = `${Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n')}\n\n❌ ${STACK} failed: bootstrap stack not found\n`;
    const { run } = stubRunner(async () => ({ exitCode: 1, output }));
    const error = await cdkCliToolkit({ run })
      .deploy(stage)
      .catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^cdk deploy exited with 1:\nline 16\n/);
    expect((error as Error).message).toMatch(/bootstrap stack not found$/);
  });
});

describe('runPreflight', () => {
  it('runs npx async-endpoints preflight for the stage and its Region', async () => {
    const { run, calls } = stubRunner(async () => ({ exitCode: 0, output: 'The stage fits.\n' }));
    await expect(runPreflight(run, stage, { cwd: '/app' })).resolves.toBe('The stage fits.');
    expect(calls[0]).toMatchObject({
      command: 'npx',
      args: ['--no', 'async-endpoints', 'preflight', '--stack', STACK, '--region', 'eu-west-1'],
      options: { cwd: '/app', env: { AWS_REGION: 'eu-west-1' } },
    });
  });

  it("stops on a non-zero exit with preflight's own words", async () => {
    const { run } = stubRunner(async () => ({
      exitCode: 1,
      output: 'Lambda "Concurrent executions" (L-B99A9384) is 10; this stage reserves 20.',
    }));
    const error = await runPreflight(run, stage).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightRefusedError);
    expect((error as Error).message).toBe(
      'preflight exited with 1: the stage would not deploy here.\nLambda "Concurrent executions" (L-B99A9384) is 10; this stage reserves 20.',
    );
  });
});
