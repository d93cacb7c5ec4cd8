/**
 * Where the CLI sends requests: `--url`, else `ASYNC_ENDPOINTS_URL`, else the local mode's
 * address with `--local`, else the deployed stack's `ApiUrl` output.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_DEFAULTS } from '../lib/config-defaults';
import { API_URL_OUTPUT_KEY, readStackOutput, type StackOutputReader } from './stack-output';
import { UsageError } from './usage-error';

/** Environment variable with the API's base URL. */
export const URL_ENV = 'ASYNC_ENDPOINTS_URL';
/** Where `npm start` listens by default. */
export const LOCAL_URL = 'http://localhost:3000';

/** What {@link resolveApiUrl} looks at. */
export interface ApiUrlSources {
  readonly url?: string;
  readonly local?: boolean;
  readonly stack?: string;
  readonly region?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly readStackOutput?: StackOutputReader;
}

/** The API URL and where it came from (shown by `--verbose` and in errors). */
export interface ResolvedApiUrl {
  readonly url: string;
  readonly source: 'option' | 'environment' | 'local' | 'stack';
}

/**
 * @throws UsageError when no source gives a URL (the message says how to give one)
 */
export async function resolveApiUrl(sources: ApiUrlSources): Promise<ResolvedApiUrl> {
  if (sources.url) return { url: checkedUrl(sources.url, '--url'), source: 'option' };
  const fromEnv = sources.env[URL_ENV];
  if (fromEnv) return { url: checkedUrl(fromEnv, URL_ENV), source: 'environment' };
  if (sources.local) return { url: LOCAL_URL, source: 'local' };
  const stackName = sources.stack ?? stackNameFromCdkJson(sources.cwd);
  const read = sources.readStackOutput ?? readStackOutput;
  let url: string | undefined;
  try {
    url = await read(stackName, API_URL_OUTPUT_KEY, sources.region);
  } catch (error) {
    throw new UsageError(
      `No API URL: pass --url, set ${URL_ENV}, or use --local; reading the ${API_URL_OUTPUT_KEY} output of stack ${stackName} failed: ${(error as Error).message}`,
    );
  }
  if (!url)
    throw new UsageError(`Stack ${stackName} has no ${API_URL_OUTPUT_KEY} output: pass --url instead`);
  return { url: checkedUrl(url, `stack ${stackName}`), source: 'stack' };
}

/** The stack name `cdk deploy` would use from `cdk.json` in `cwd`, or the default. */
export function stackNameFromCdkJson(cwd: string): string {
  try {
    const cdkJson = JSON.parse(readFileSync(path.join(cwd, 'cdk.json'), 'utf8')) as {
      context?: { asyncEndpoints?: { stackName?: unknown } };
    };
    const name = cdkJson.context?.asyncEndpoints?.stackName;
    if (typeof name === 'string' && name) return name;
  } catch {
    // No (readable) cdk.json here: the default name.
  }
  return CONFIG_DEFAULTS.stackName;
}

function checkedUrl(value: string, from: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.toString();
  } catch {
    // Reported below.
  }
  throw new UsageError(`${from} is not an http(s) URL: ${value}`);
}
