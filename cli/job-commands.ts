/**
 * The commands that take one job id: `status`, `wait`, `cancel` and `retry`.
 */
import { defineCommand, positionalArgs } from './command';
import { ExitCode } from './exit-codes';
import { formatJob } from './format';
import { parseDuration, stringOption } from './options';
import { waitForJob } from './wait-for-job';

/** Runs `status <id>`: prints the job. */
export const runStatusCommand = defineCommand(
  { usage: 'status <id>', help: 'Prints a job: its status, progress, and its result or error.', options: {} },
  async ({ json, positionals, io, client }) => {
    const [id = ''] = positionalArgs(positionals, 1);
    const job = await (await client()).get(id);
    io.out(json ? JSON.stringify(job) : formatJob(job));
    return ExitCode.Ok;
  },
);

/** Runs `wait <id>`: polls until the job finishes. */
export const runWaitCommand = defineCommand(
  {
    usage: 'wait <id>',
    help: `Waits until the job is Completed, Failed or Canceled, polling as Retry-After says; shows a
progress bar on a terminal (plain lines otherwise), then prints the job.
Exit code 0 Completed, 1 Failed or Canceled, 4 timed out.

Options:
  --timeout <duration>  give up after this long (30s, 5m, 1h; default: no limit)`,
    options: { timeout: { type: 'string' } },
  },
  async ({ values, json, positionals, io, client }) => {
    const [id = ''] = positionalArgs(positionals, 1);
    const timeout = stringOption(values, 'timeout');
    const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout, '--timeout');
    return waitForJob(await client(), id, io, { timeoutMs, json });
  },
);

/** Runs `cancel <id>`. */
export const runCancelCommand = defineCommand(
  {
    usage: 'cancel <id>',
    help: 'Cancels a job: at once when it waits; a running job is stopped by its worker (wait for Canceled).',
    options: {},
  },
  async ({ json, positionals, io, client }) => {
    const [id = ''] = positionalArgs(positionals, 1);
    const job = await (await client()).cancel(id);
    if (json) io.out(JSON.stringify(job));
    else if (job.status === 'Canceled') io.out(`Canceled ${job.name} job ${job.id}.`);
    else io.out(`Cancel requested: ${job.name} job ${job.id} is running; its worker will stop it.`);
    return ExitCode.Ok;
  },
);

/** Runs `retry <id>`. */
export const runRetryCommand = defineCommand(
  {
    usage: 'retry <id>',
    help: 'Re-queues your Failed job with its full retries; its history is kept.',
    options: {},
  },
  async ({ json, positionals, io, client }) => {
    const [id = ''] = positionalArgs(positionals, 1);
    const job = await (await client()).retry(id);
    io.out(json ? JSON.stringify(job) : `Queued ${job.name} job ${job.id} again.`);
    return ExitCode.Ok;
  },
);
