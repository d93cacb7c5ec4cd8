/**
 * The options every API command takes, parsed with node:util's parseArgs, and the client they
 * describe.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { JobsClient, type UntypedJobTypes } from '../client';
import { resolveApiUrl } from './api-url';
import type { CliIo } from './io';
import { UsageError } from './usage-error';

/** Environment variable naming the caller in the local mode. */
export const PRINCIPAL_ENV = 'ASYNC_ENDPOINTS_PRINCIPAL';
/** Environment variable with an API key, for deployments that require one. */
export const API_KEY_ENV = 'ASYNC_ENDPOINTS_API_KEY';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options shared by every command that calls the API. */
export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  local: { type: 'boolean' },
  stack: { type: 'string' },
  region: { type: 'string' },
  principal: { type: 'string' },
  'api-key': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** Help text for {@link CONNECTION_OPTIONS}. */
export const CONNECTION_HELP = `Connection:
  --url <url>        API base URL (else $ASYNC_ENDPOINTS_URL, else the stack's ApiUrl output)
  --local            the local mode (npm start): http://localhost:3000, no signing
  --stack <name>     stack to read ApiUrl from (default: cdk.json's stackName, else AsyncEndpoints)
  --region <region>  AWS Region of the stack and of signing (default: from the URL or AWS_REGION)
  --principal <id>   caller in the local mode, sent as X-Local-Principal ($${PRINCIPAL_ENV});
                     redrive sends the local admin ($ASYNC_ENDPOINTS_LOCAL_ADMIN, default local-admin)
  --api-key <key>    API key, when the deployment requires one ($${API_KEY_ENV})
  --json             machine-readable output on stdout
  -h, --help         this help`;

/** Parsed option values by name. */
export type ArgValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

/**
 * Parses a command's arguments: its own options plus the connection options.
 * @throws UsageError naming the unknown or malformed option
 */
export function parseCommandArgs(
  argv: readonly string[],
  options: Options,
): { values: ArgValues; positionals: string[] } {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...CONNECTION_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A string option's value. */
export function stringOption(values: ArgValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string option's values. */
export function stringOptions(values: ArgValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** A flag. */
export function flag(values: ArgValues, name: string): boolean {
  return values[name] === true;
}

/**
 * A client for the API the options point at.
 * @throws UsageError when no API URL can be found
 */
export async function connect(values: ArgValues, io: CliIo): Promise<JobsClient<UntypedJobTypes>> {
  const env = io.env ?? process.env;
  const url = stringOption(values, 'url');
  const stack = stringOption(values, 'stack');
  const region = stringOption(values, 'region');
  const local = flag(values, 'local');
  const resolved = await resolveApiUrl({
    ...(url !== undefined ? { url } : {}),
    local,
    ...(stack !== undefined ? { stack } : {}),
    ...(region !== undefined ? { region } : {}),
    env,
    cwd: io.cwd ?? process.cwd(),
    ...(io.readStackOutput ? { readStackOutput: io.readStackOutput } : {}),
  });
  const principal = stringOption(values, 'principal') ?? env[PRINCIPAL_ENV];
  const apiKey = stringOption(values, 'api-key') ?? env[API_KEY_ENV];
  try {
    return new JobsClient<UntypedJobTypes>({
      url: resolved.url,
      ...(local ? { auth: 'local' as const } : {}),
      ...(region ? { region } : {}),
      ...(principal ? { principal } : {}),
      ...(apiKey ? { apiKey } : {}),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * A duration: `500ms`, `30s`, `5m`, `1h`, or a bare number of seconds.
 * @throws UsageError
 */
export function parseDuration(value: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new UsageError(`${option} must be a duration like 30s, 5m or 500ms, got '${value}'`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Math.round(Number(match[1]) * unit);
}

/**
 * A positive integer option.
 * @throws UsageError
 */
export function parsePositiveInt(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`${option} must be a positive integer, got '${value}'`);
  }
  return Number(value);
}
