/** `async-endpoints redrive <name>`: moves a job type's dead letters back to its queue (admin). */
import { defineCommand, positionalArgs } from './command';
import { ExitCode } from './exit-codes';
import { formatRedrive } from './format';
import { parsePositiveInt, stringOption, stringOptions } from './options';
import { UsageError } from './usage-error';

/** Runs `redrive`. */
export const runRedriveCommand = defineCommand(
  {
    usage: 'redrive <name>',
    help: `Admin: moves job type <name>'s dead letters back to its queue, re-queuing their Failed jobs
(needs execute-api:Invoke on POST /admin/*). Run it again while it says it is not complete.

Options:
  --job-id <id>   only this job (repeat for more)
  --max <n>       most dead letters to handle (default 100)
  --rate <n>      most dead letters per second (default 50)`,
    options: {
      'job-id': { type: 'string', multiple: true },
      max: { type: 'string' },
      rate: { type: 'string' },
    },
  },
  async ({ values, json, positionals, io, client }) => {
    const [name = ''] = positionalArgs(positionals, 1);
    const jobIds = stringOptions(values, 'job-id');
    const max = parsePositiveInt(stringOption(values, 'max'), '--max');
    const rate = stringOption(values, 'rate');
    const ratePerSecond = rate === undefined ? undefined : Number(rate);
    if (ratePerSecond !== undefined && !(ratePerSecond > 0)) {
      throw new UsageError(`--rate must be a number above 0, got '${rate}'`);
    }
    if (jobIds.length > 0 && max !== undefined) throw new UsageError('Give --job-id or --max, not both');
    const rateOption = ratePerSecond !== undefined ? { ratePerSecond } : {};
    const result = await (await client()).redrive(
      name,
      jobIds.length > 0
        ? { jobIds, ...rateOption }
        : { ...(max !== undefined ? { max } : {}), ...rateOption },
    );
    io.out(json ? JSON.stringify(result) : formatRedrive(name, result));
    return ExitCode.Ok;
  },
);
