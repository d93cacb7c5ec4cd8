/**
 * `npm start`, for real: npm in a process group of its own (as a terminal's foreground job is),
 * its output collected, ready once the banner names the API, DynamoDB and SQS endpoints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ProcessInfo, processTree } from './process-tree';

const repoRoot = resolve(__dirname, '../..');

/** A running `npm start`. */
export interface NpmStart {
  readonly npm: ChildProcess & { readonly pid: number };
  /** A fresh temporary folder for the system's state; the caller removes it. */
  readonly dataDir: string;
  /** The API's base URL, from the banner. */
  readonly url: string;
  /** The ports the API, DynamoDB and SQS listen on, from the banner. */
  readonly ports: { readonly api: number; readonly dynamodb: number; readonly sqs: number };
  /** npm, Node, the JVM, the watchdog, ...: the tree under npm once the system was ready. */
  readonly tree: readonly ProcessInfo[];
  /** What npm and its children wrote to stdout so far. */
  stdout(): string;
  /** What npm and its children wrote to stderr so far. */
  stderr(): string;
  /** Resolves with npm's exit code (or the signal that ended it) once it has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const portOf = (url: string) => Number(new URL(url).port);

/**
 * The variable that points `npm start`'s data folder (its durable state) away from the project's
 * own `.async-endpoints/`; harmless where the state is kept in memory.
 */
export const DATA_DIR_ENV = 'ASYNC_ENDPOINTS_DATA_DIR';

/**
 * Runs `npm start` from the repository root with `env` laid over this process's environment
 * (`PORT=0` unless given) and resolves once the banner is out.
 * @default timeoutMs 90 s (DynamoDB Local needs 5-7 s alone; a loaded machine needs more)
 * @throws Error with npm's output if it exits or the banner does not appear in time
 */
export async function startNpm(env: NodeJS.ProcessEnv = {}, timeoutMs = 90_000): Promise<NpmStart> {
  // Never the project's own data folder: a developer's jobs must not meet the tests'.
  const dataDir = mkdtempSync(join(tmpdir(), 'async-endpoints-npm-start-'));
  const npm = spawn('npm', ['start'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', [DATA_DIR_ENV]: dataDir, ...env },
    detached: true, // leads its own group: process.kill(-pid, 'SIGINT') is what Ctrl-C does
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (npm.pid === undefined) throw new Error('npm could not be started (is it on the PATH?)');
  let stdout = '';
  let stderr = '';
  npm.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  npm.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(npm, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const api = /^\s*API\s+(http:\/\/\S+)/m.exec(stdout)?.[1];
    const dynamodb = /^\s*DynamoDB\s+.* at (http:\/\/\S+)/m.exec(stdout)?.[1];
    const sqs = /^\s*SQS\s+.* at (http:\/\/\S+)/m.exec(stdout)?.[1];
    if (api && dynamodb && sqs) {
      return {
        npm: npm as ChildProcess & { pid: number },
        dataDir,
        url: api,
        ports: { api: portOf(api), dynamodb: portOf(dynamodb), sqs: portOf(sqs) },
        tree: processTree(npm.pid),
        stdout: () => stdout,
        stderr: () => stderr,
        exited,
      };
    }
    const gone = npm.exitCode !== null || npm.signalCode !== null;
    if (gone || Date.now() > deadline) {
      if (!gone) process.kill(-npm.pid, 'SIGKILL');
      throw new Error(
        `npm start ${gone ? `exited (${npm.exitCode ?? npm.signalCode})` : `was not ready within ${timeoutMs} ms`}` +
          `:\n${stdout}\n${stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
