/**
 * Runs a program (`npx cdk ...`, `npx async-endpoints preflight`) as a child process: the seam
 * that lets tests replace the CDK CLI and preflight with stubs.
 */
import { spawn } from 'node:child_process';

/** How to run one command. */
export interface RunOptions {
  /** @default the parent's working directory */
  readonly cwd?: string;
  /** Variables added to the parent's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Called with each line the program writes (stdout and stderr), e.g. to show cdk's progress. */
  readonly onLine?: (line: string) => void;
  /** Stops the program (SIGINT, then SIGKILL after 30 s); the run resolves with its exit code. */
  readonly signal?: AbortSignal;
}

/** What a finished program left: its exit code and everything it wrote, interleaved. */
export interface RunResult {
  /** Exit code; 128 + n when killed by signal n; 127 when it could not be started. */
  readonly exitCode: number;
  readonly output: string;
}

/** Runs `command` with `args` and resolves when it exits. Never rejects. */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  options?: RunOptions,
) => Promise<RunResult>;

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * The real runner. Children get their own process group (`detached`), so a Ctrl-C in the
 * terminal reaches only this process, which decides what to stop: a `cdk destroy` running the
 * teardown must not die with the checks it cleans up after.
 */
export const spawnCommand: CommandRunner = (command, args, options = {}) =>
  new Promise((resolve) => {
    const chunks: string[] = [];
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    // Each stream keeps its own unfinished last line, so stdout and stderr never splice.
    const pending = { stdout: '', stderr: '' };
    const reader = (stream: keyof typeof pending) => (data: Buffer) => {
      const text = data.toString('utf8');
      chunks.push(text);
      if (!options.onLine) return;
      const lines = (pending[stream] + text).split(/\r?\n/);
      pending[stream] = lines.pop() ?? '';
      for (const line of lines) options.onLine(line);
    };
    child.stdout.on('data', reader('stdout'));
    child.stderr.on('data', reader('stderr'));
    let killTimer: NodeJS.Timeout | undefined;
    const stop = () => {
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      killTimer.unref();
    };
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop, { once: true });
    let finished = false;
    const finish = (exitCode: number) => {
      // A child that cannot start emits 'error' and may emit 'close' too.
      if (finished) return;
      finished = true;
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', stop);
      for (const rest of [pending.stdout, pending.stderr]) if (rest) options.onLine?.(rest);
      resolve({ exitCode, output: chunks.join('') });
    };
    child.on('error', (error) => {
      chunks.push(`${command}: ${error.message}\n`);
      finish(127);
    });
    child.on('close', (code, signal) => finish(code ?? 128 + (SIGNAL_NUMBERS[signal ?? ''] ?? 0)));
  });

/** The last `count` non-empty lines of a program's output: enough to say why it failed. */
export function lastLines(output: string, count = 15): string {
  return output
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n');
}
