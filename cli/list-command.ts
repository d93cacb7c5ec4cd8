/** `async-endpoints list`: the caller's jobs, newest first. */
import type { JobStatus } from '../lambdas/core/job-status';
import { defineCommand, positionalArgs } from './command';
import { ExitCode } from './exit-codes';
import { type AnyJobSummary, formatJobTable, formatPage } from './format';
import { flag, parsePositiveInt, stringOption } from './options';

/** Runs `list`. */
export const runListCommand = defineCommand(
  {
    usage: 'list',
    help: `Lists your jobs, newest first, one page at a time (or all with --all).

Options:
  --name <job type>   only jobs of this type
  --status <status>   only jobs in this status (Queued, Scheduled, InProgress, Completed, Failed, Canceled)
  --limit <n>         jobs per page, 1-100 (default 20)
  --cursor <cursor>   the page after the one that printed this cursor
  --all               every page`,
    options: {
      name: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      all: { type: 'boolean' },
    },
  },
  async ({ values, json, positionals, io, client }) => {
    positionalArgs(positionals, 0);
    const name = stringOption(values, 'name');
    // The API checks the status and says which values it takes.
    const status = stringOption(values, 'status') as JobStatus | undefined;
    const limit = parsePositiveInt(stringOption(values, 'limit'), '--limit');
    const cursor = stringOption(values, 'cursor');
    const query = {
      ...(name !== undefined ? { name } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
    const api = await client();
    if (flag(values, 'all')) {
      const jobs: AnyJobSummary[] = [];
      for await (const job of api.listAll(query)) jobs.push(job);
      io.out(json ? JSON.stringify(jobs) : formatJobTable(jobs));
      return ExitCode.Ok;
    }
    const page = await api.list({ ...query, ...(cursor !== undefined ? { cursor } : {}) });
    io.out(json ? JSON.stringify(page) : formatPage(page));
    return ExitCode.Ok;
  },
);
