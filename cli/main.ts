/**
 * `npx async-endpoints <command>`: dispatches to one command per name. Every command is an
 * `(argv, io) => Promise<exitCode>`; adding one is one line in {@link COMMANDS}.
 */

import { runPlanCommand } from '../planner/plan-command';
import { runPreflightCommand } from '../preflight/preflight-command';
import { ExitCode } from './exit-codes';
import type { CliCommand, CliIo } from './io';
import { runCancelCommand, runRetryCommand, runStatusCommand, runWaitCommand } from './job-commands';
import { runListCommand } from './list-command';
import { runOpenApiCommand } from './openapi-command';
import { runRedriveCommand } from './redrive-command';
import { runSubmitCommand } from './submit-command';

/** The commands, by name, with a one-line summary for `help`. */
export const COMMANDS: Readonly<Record<string, { readonly run: CliCommand; readonly summary: string }>> = {
  submit: { run: runSubmitCommand, summary: 'submit a job: submit <name> [input|@file|-] [--wait]' },
  status: { run: runStatusCommand, summary: 'print a job: status <id>' },
  wait: { run: runWaitCommand, summary: 'wait for a job to finish, with a progress bar: wait <id>' },
  cancel: { run: runCancelCommand, summary: 'cancel a job: cancel <id>' },
  list: { run: runListCommand, summary: 'list your jobs: list [--name] [--status] [--limit] [--all]' },
  retry: { run: runRetryCommand, summary: 're-queue your Failed job: retry <id>' },
  redrive: { run: runRedriveCommand, summary: "admin: move a job type's dead letters back: redrive <name>" },
  openapi: { run: runOpenApiCommand, summary: "print the API's OpenAPI 3.1 document" },
  preflight: {
    run: runPreflightCommand,
    summary:
      "before the first deploy: record the account's Lambda quota for cdk synth: preflight [--region] [--stack]",
  },
  plan: {
    run: runPlanCommand,
    summary: 'size a job type: plan --rate 5000/min --duration 2s [--payload 4KB] [--profile large]',
  },
};

/** The top-level help. */
export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return `Usage: async-endpoints <command> [arguments] [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`)
  .join('\n')}

The API: --url, else $ASYNC_ENDPOINTS_URL, else --local (http://localhost:3000), else the
deployed stack's ApiUrl output. Requests to a deployed API are signed with SigV4 using the
standard AWS credential chain. Run async-endpoints <command> --help for its options.

Exit codes: 0 ok; 1 the job Failed or was Canceled (wait, submit --wait); 2 usage error;
3 API error or API unreachable; 4 timed out (wait).`;
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(usage());
    return name === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`Unknown command '${name}'.\n\n${usage()}`);
    return ExitCode.Usage;
  }
  return command.run(rest, io);
}
