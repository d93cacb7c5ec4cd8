/**
 * The real entry point (`npm run test:cloud` runs `tsx cloud-test/main.ts`) in a child process,
 * with no AWS credentials anywhere: it must refuse at once in one sentence, no stack trace and no
 * SDK error dump.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NO_CREDENTIALS_MESSAGE } from '../../cloud-test/caller';
import { CloudTestExit } from '../../cloud-test/exit-codes';

const root = path.join(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);

/** The parent's environment without any AWS variable, and empty AWS config and credentials files. */
function noCredentialsEnv(): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(tmpdir(), 'no-aws-'));
  const empty = path.join(dir, 'empty');
  writeFileSync(empty, '');
  return {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))),
    AWS_CONFIG_FILE: empty,
    AWS_SHARED_CREDENTIALS_FILE: empty,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

/** Runs the entry point with `args`; resolves with its exit code and output, whatever the code. */
async function cloudTest(args: string[], env: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await run(tsx, ['cloud-test/main.ts', ...args], {
      cwd: root,
      env,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('npm run test:cloud, in a child process', () => {
  it('refuses without credentials in one plain sentence, exiting non-zero', async () => {
    const result = await cloudTest([], noCredentialsEnv());
    expect(result).toEqual({
      code: CloudTestExit.NotStarted,
      stdout: '',
      stderr: `${NO_CREDENTIALS_MESSAGE}\n`,
    });
  });

  it('refuses without credentials even when a Region is given', async () => {
    const result = await cloudTest(['--region', 'eu-west-1'], noCredentialsEnv());
    expect(result.code).toBe(CloudTestExit.NotStarted);
    expect(result.stderr).toBe(`${NO_CREDENTIALS_MESSAGE}\n`);
  });

  it('exits 2 on an unknown option, and never tears down a stack that is not a smoke stage', async () => {
    const unknown = await cloudTest(['--regoin', 'eu-west-1'], noCredentialsEnv());
    expect(unknown.code).toBe(CloudTestExit.Usage);
    expect(unknown.stderr).toMatch(/^Unknown option '--regoin'/);
    const other = await cloudTest(['--teardown', 'AsyncEndpoints'], noCredentialsEnv());
    expect(other.code).toBe(CloudTestExit.Usage);
    expect(other.stderr).toMatch(/^--teardown takes a smoke stage's stack name/);
  });
});
