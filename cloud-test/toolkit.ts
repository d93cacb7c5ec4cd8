/**
 * Deploys and destroys the smoke stage. The {@link Toolkit} interface is what the smoke test
 * needs of the CDK; {@link cdkCliToolkit} does it through the CDK CLI (`npx cdk`), the same way a
 * user deploys, so the test proves that path too.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type CommandRunner, lastLines } from './command-runner';
import type { SmokeStage } from './smoke-stage';

/** A stack's outputs, by output key. */
export type StackOutputs = Readonly<Record<string, string>>;

/** What the smoke test needs of the CDK. */
export interface Toolkit {
  /**
   * Deploys the stage and returns its outputs.
   * @throws Error (with the CLI's last lines) when the deploy fails or is stopped
   */
  deploy(stage: SmokeStage, signal?: AbortSignal): Promise<StackOutputs>;
  /**
   * Deletes the stage's stack (its buckets must be empty).
   * @throws Error (with the CLI's last lines) when the stack cannot be deleted
   */
  destroy(stage: SmokeStage, signal?: AbortSignal): Promise<void>;
}

/** Options of {@link cdkCliToolkit}. */
export interface CdkCliToolkitOptions {
  /** Runs `npx cdk ...`. */
  readonly run: CommandRunner;
  /** The app's directory (where cdk.json is). @default the working directory */
  readonly cwd?: string;
  /** Shows the CLI's progress. @default nothing shown */
  readonly onLine?: (line: string) => void;
}

/** The CDK CLI's arguments for a deploy of `stage` that writes its outputs to `outputsFile`. */
export function cdkDeployArgs(stage: SmokeStage, outputsFile: string): string[] {
  return [
    'cdk',
    'deploy',
    stage.stackName,
    '--require-approval',
    'never',
    '--outputs-file',
    outputsFile,
    '-c',
    `asyncEndpoints=${stage.contextJson}`,
  ];
}

/** The CDK CLI's arguments that delete `stage` without asking. */
export function cdkDestroyArgs(stage: SmokeStage): string[] {
  return ['cdk', 'destroy', stage.stackName, '--force', '-c', `asyncEndpoints=${stage.contextJson}`];
}

/** A {@link Toolkit} that runs the CDK CLI in the stage's Region. */
export function cdkCliToolkit(options: CdkCliToolkitOptions): Toolkit {
  const runCdk = async (stage: SmokeStage, args: string[], signal: AbortSignal | undefined, what: string) => {
    const result = await options.run('npx', args, {
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.onLine ? { onLine: options.onLine } : {}),
      ...(signal ? { signal } : {}),
      // The CLI and the app both read the Region from here; an unset account is resolved by STS.
      env: { AWS_REGION: stage.region, AWS_DEFAULT_REGION: stage.region },
    });
    if (result.exitCode !== 0) {
      throw new Error(`cdk ${what} exited with ${result.exitCode}:\n${lastLines(result.output)}`);
    }
  };
  return {
    async deploy(stage, signal) {
      const dir = await mkdtemp(path.join(tmpdir(), 'async-endpoints-smoke-'));
      try {
        const file = path.join(dir, 'outputs.json');
        await runCdk(stage, cdkDeployArgs(stage, file), signal, 'deploy');
        const all = JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, string>>;
        return all[stage.stackName] ?? {};
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    async destroy(stage, signal) {
      await runCdk(stage, cdkDestroyArgs(stage), signal, 'destroy');
    },
  };
}
