/** `async-endpoints submit <name> [input]`: submits a job, optionally waiting for it. */
import { readFile } from 'node:fs/promises';
import { defineCommand, positionalArgs } from './command';
import { ExitCode } from './exit-codes';
import type { CliIo } from './io';
import { flag, parseDuration, stringOption } from './options';
import { UsageError } from './usage-error';
import { waitForJob } from './wait-for-job';

/** Runs `submit`. */
export const runSubmitCommand = defineCommand(
  {
    usage: 'submit <name> [input]',
    help: `Submits a job of type <name>. [input] is its JSON input: inline, @file to read a file, or -
for standard input (default: {}). Prints the job; with --wait, waits for it as \`wait\` does.

Options:
  --idempotency-key <key>  makes the submission safe to repeat (same key and input: same job)
  --priority <high|normal> queue priority (job types that enable priorities)
  --wait                   wait until the job finishes; exit codes as for \`wait\`
  --timeout <duration>     with --wait: give up after this long (30s, 5m, ...)`,
    options: {
      'idempotency-key': { type: 'string' },
      priority: { type: 'string' },
      wait: { type: 'boolean' },
      timeout: { type: 'string' },
    },
  },
  async ({ values, json, positionals, io, client }) => {
    const [name = '', inputArg] = positionalArgs(positionals, 1, 1);
    const input = await readInput(inputArg, io);
    const priority = stringOption(values, 'priority');
    if (priority !== undefined && priority !== 'high' && priority !== 'normal') {
      throw new UsageError(`--priority must be high or normal, got '${priority}'`);
    }
    const timeout = stringOption(values, 'timeout');
    const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout, '--timeout');
    const key = stringOption(values, 'idempotency-key');
    const api = await client();
    const job = await api.submit(name, input, {
      ...(key !== undefined ? { idempotencyKey: key } : {}),
      ...(priority ? { priority } : {}),
    });
    if (flag(values, 'wait')) {
      if (!json) io.err(`Submitted ${job.name} job ${job.id}; waiting...`);
      return waitForJob(api, job.id, io, { timeoutMs, json });
    }
    io.out(
      json
        ? JSON.stringify(job)
        : `Submitted ${job.name} job ${job.id} (${job.status}).\nFollow it: async-endpoints wait ${job.id}`,
    );
    return ExitCode.Ok;
  },
);

/** The input argument as JSON: inline, `@file`, `-` for stdin, `{}` when absent. */
async function readInput(arg: string | undefined, io: CliIo): Promise<unknown> {
  let text: string;
  let from: string;
  if (arg === undefined) return {};
  if (arg === '-') {
    if (!io.stdin) throw new UsageError('No standard input to read');
    [text, from] = [await io.stdin(), 'standard input'];
  } else if (arg.startsWith('@')) {
    try {
      [text, from] = [await readFile(arg.slice(1), 'utf8'), arg.slice(1)];
    } catch (error) {
      throw new UsageError(`Cannot read ${arg.slice(1)}: ${(error as Error).message}`);
    }
  } else [text, from] = [arg, 'the input argument'];
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${from} is not JSON: ${(error as Error).message}`);
  }
}
