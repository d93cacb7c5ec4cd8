/**
 * Runs `npx async-endpoints preflight` for the smoke stage before anything is deployed: exit
 * code 0 means the stage fits the account (Lambda concurrency and the other quotas it reads);
 * anything else stops the smoke test with preflight's own words.
 */
import { type CommandRunner, lastLines } from './command-runner';
import type { SmokeStage } from './smoke-stage';

/** The command line, in one place: `npx --no async-endpoints preflight --stack <name> --region <r>`. */
export function preflightCommand(stage: SmokeStage): { command: string; args: string[] } {
  // `--no`: use this repository's CLI, never download a package of that name.
  return {
    command: 'npx',
    args: ['--no', 'async-endpoints', 'preflight', '--stack', stage.stackName, '--region', stage.region],
  };
}

/** Why the smoke test stopped before deploying. */
export class PreflightRefusedError extends Error {
  override readonly name = 'PreflightRefusedError';
  constructor(
    readonly exitCode: number,
    readonly output: string,
  ) {
    super(
      `preflight exited with ${exitCode}: the stage would not deploy here.${output ? `\n${lastLines(output)}` : ''}`,
    );
  }
}

/**
 * @returns preflight's output (what it found)
 * @throws PreflightRefusedError when preflight exits non-zero (the stage does not fit, or it
 *   could not read the account)
 */
export async function runPreflight(
  run: CommandRunner,
  stage: SmokeStage,
  options: { cwd?: string; signal?: AbortSignal } = {},
): Promise<string> {
  const { command, args } = preflightCommand(stage);
  const result = await run(command, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    env: { AWS_REGION: stage.region },
  });
  if (result.exitCode !== 0) throw new PreflightRefusedError(result.exitCode, result.output.trim());
  return result.output.trim();
}
