/**
 * What a CLI command reads and writes. Every command has the shape
 * `(argv, io) => Promise<exitCode>`, so tests run them in-process and the dispatcher (`main.ts`)
 * adds a command in one line.
 */
import type { StackOutputReader } from './stack-output';

/** A command's console and surroundings. Only `out` and `err` are required. */
export interface CliIo {
  /** Writes a line (or lines) of the command's output to standard output. */
  out(text: string): void;
  /** Writes a line (or lines) of messages, progress and errors to standard error. */
  err(text: string): void;
  /** Redraws one status line in place; present only when standard error is a terminal. */
  readonly status?: (line: string) => void;
  /** Environment variables. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where `cdk.json` is looked for. @default process.cwd() */
  readonly cwd?: string;
  /** Reads standard input (`submit <name> -`). @default the process's stdin */
  readonly stdin?: () => Promise<string>;
  /** Reads a CloudFormation stack output. @default DescribeStacks through the AWS SDK */
  readonly readStackOutput?: StackOutputReader;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

/** A CLI command: parses its arguments, runs, and returns the process exit code. */
export type CliCommand = (argv: readonly string[], io: CliIo) => Promise<number>;

/** The real console: lines to stdout and stderr, a redrawn status line when stderr is a TTY. */
export function processIo(): CliIo {
  const tty = process.stderr.isTTY === true;
  let statusShown = false;
  const clearStatus = () => {
    if (statusShown) process.stderr.write('\r\x1b[2K');
    statusShown = false;
  };
  return {
    out: (text) => {
      clearStatus();
      process.stdout.write(`${text}\n`);
    },
    err: (text) => {
      clearStatus();
      process.stderr.write(`${text}\n`);
    },
    ...(tty
      ? {
          status: (line: string) => {
            const width = process.stderr.columns ?? 80;
            process.stderr.write(`\r\x1b[2K${line.slice(0, Math.max(10, width - 1))}`);
            statusShown = true;
          },
        }
      : {}),
    stdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}
