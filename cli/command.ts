/**
 * The frame every API command runs in: `--help`, argument errors (exit 2), API errors and
 * unreachable APIs (exit 3) handled the same way for all.
 */
import type { ParseArgsConfig } from 'node:util';
import { JobsApiError, type JobsClient, type UntypedJobTypes } from '../client';
import { ExitCode } from './exit-codes';
import { formatApiError } from './format';
import type { CliCommand, CliIo } from './io';
import { type ArgValues, CONNECTION_HELP, connect, flag, parseCommandArgs } from './options';
import { UsageError } from './usage-error';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What a command declares. */
export interface CommandSpec {
  /** `submit <name> [input]` */
  readonly usage: string;
  /** What the command does, and its own options, for `--help`. */
  readonly help: string;
  readonly options: Options;
}

/** What a command's body gets. */
export interface CommandContext {
  readonly values: ArgValues;
  /** `--json`: machine-readable output. */
  readonly json: boolean;
  readonly positionals: readonly string[];
  readonly io: CliIo;
  /** The client for the API the options point at (resolving the URL on first call). */
  readonly client: () => Promise<JobsClient<UntypedJobTypes>>;
}

/**
 * Wraps a command body into a {@link CliCommand}.
 * @example
 * export const runStatusCommand = defineCommand({ usage: 'status <id>', help: '...', options: {} },
 *   async ({ positionals, client }) => { ... return ExitCode.Ok; });
 */
export function defineCommand(
  spec: CommandSpec,
  run: (context: CommandContext) => Promise<number>,
): CliCommand {
  return async (argv, io) => {
    let json = false;
    try {
      const { values, positionals } = parseCommandArgs(argv, spec.options);
      json = flag(values, 'json');
      if (flag(values, 'help')) {
        io.out(`Usage: async-endpoints ${spec.usage} [options]\n\n${spec.help}\n\n${CONNECTION_HELP}`);
        return ExitCode.Ok;
      }
      let client: Promise<JobsClient<UntypedJobTypes>> | undefined;
      return await run({ values, json, positionals, io, client: () => (client ??= connect(values, io)) });
    } catch (error) {
      if (error instanceof UsageError) {
        io.err(`${error.message}\nUsage: async-endpoints ${spec.usage} [options] (--help for more)`);
        return ExitCode.Usage;
      }
      if (error instanceof JobsApiError) {
        io.err(formatApiError(error));
        if (json) io.out(JSON.stringify({ error: { status: error.status, ...error.problem } }));
        return ExitCode.ApiError;
      }
      if (error instanceof TypeError && error.message === 'fetch failed') {
        const cause = (error.cause as Error | undefined)?.message ?? error.message;
        io.err(`Error: could not reach the API: ${cause}`);
        return ExitCode.ApiError;
      }
      throw error;
    }
  };
}

/**
 * The command's positional arguments, exactly `names.length` of them (the last `optional` ones may be missing).
 * @throws UsageError
 */
export function positionalArgs(positionals: readonly string[], required: number, optional = 0): string[] {
  if (positionals.length < required || positionals.length > required + optional) {
    throw new UsageError(
      `Expected ${optional ? `${required} to ${required + optional}` : required} argument(s), got ${positionals.length}`,
    );
  }
  return [...positionals];
}
