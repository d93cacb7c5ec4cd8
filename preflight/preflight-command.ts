/**
 * `async-endpoints preflight`: reads the account's Lambda concurrency, the stage's and the other
 * stages' reservations and the quotas that matter, records them in `cdk.context.json` for
 * `cdk synth`, and says whether the stage fits. Exit 0 when it fits, 5 when it does not (or its
 * config is invalid), 3 when a read failed, 2 on a usage error.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { stackNameFromCdkJson } from '../cli/api-url';
import { ExitCode } from '../cli/exit-codes';
import type { CliCommand } from '../cli/io';
import { sdkDefaultRegion } from '../cli/sdk-region';
import { UsageError } from '../cli/usage-error';
import { jobTypes as catalogJobTypes } from '../lambdas/jobs/catalog';
import { ConfigError, readStageInput, resolveConfig, type StageConfig } from '../lib/config';
import { parsePreflightRecord, preflightContextKey } from '../lib/preflight-record';
import { PreflightReadError, readPreflightRecord } from './account-reads';
import { CONTEXT_FILE, ContextFileError, readContextFile, writePreflightRecord } from './context-file';
import { buildPreflightReport, formatPreflightReport } from './report';

const USAGE = `Usage: async-endpoints preflight [--region <r>] [--stack <name>] [-c key=value] [--json] [--dry-run]

Run with credentials for the target account before the first deploy. Reads the account's Lambda
concurrency (GetAccountSettings), the reservations of the stage's stack and of the stages an
earlier record named (CloudFormation ListStackResources, Lambda GetFunctionConcurrency), and the
quotas Lambda "Concurrent executions" (L-B99A9384) and API Gateway "Throttle rate" and "Throttle
burst rate" (Service Quotas; unreadable ones are recorded as unknown). Records them in
cdk.context.json under async-endpoints:preflight:account=<id>:region=<region>, where cdk synth
checks the stage's reservations against them, and says whether the stage fits.

Options:
  --region <region>  the target Region (default: AWS_REGION or your AWS profile's)
  --stack <name>     the stage's stack (default: cdk.json's stackName, else AsyncEndpoints)
  -c <key=value>     context as cdk synth takes it, e.g. -c profile=large (repeatable)
  --json             the report as JSON on stdout
  --dry-run          read and report, but do not write cdk.context.json
  -h, --help         this help

Exit codes: 0 the stage fits; 5 it does not (or its config is invalid); 3 a read failed
(credentials, permissions, network) or cdk.context.json is unreadable; 2 usage error.`;

const OPTIONS = {
  region: { type: 'string' },
  stack: { type: 'string' },
  context: { type: 'string', short: 'c', multiple: true },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs `preflight`. */
export const runPreflightCommand: CliCommand = async (argv, io) => {
  let json = false;
  try {
    const { values } = parseOptions(argv);
    json = values.json === true;
    if (values.help) {
      io.out(USAGE);
      return ExitCode.Ok;
    }
    const cwd = io.cwd ?? process.cwd();
    const context = stageContext(cwd, values.context ?? [], values.stack);
    let input: unknown;
    let config: StageConfig | undefined;
    let problems: readonly string[] = [];
    try {
      input = readStageInput((key) => context[key]);
      config = resolveConfig(input, catalogJobTypes, { kind: 'unchecked' });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    const stackName = config?.stackName ?? values.stack ?? stackNameFromCdkJson(cwd);
    const region = values.region ?? (await defaultRegion());
    const existing = await readContextFile(cwd);
    const record = await readPreflightRecord({
      region,
      // The stages an earlier record named are read again, so all are from one moment.
      stackNames: (account) => {
        const earlier = parsePreflightRecord(
          preflightContextKey(account, region),
          existing[preflightContextKey(account, region)],
        );
        return [stackName, ...(typeof earlier === 'string' ? [] : Object.keys(earlier.stages))];
      },
    });
    const contextKey = preflightContextKey(record.account, record.region);
    // The verdict is synth's own check against the new record (so the problems are its words),
    // unless asyncEndpoints itself was unparsable and there is nothing to check.
    if (input !== undefined || problems.length === 0) {
      try {
        resolveConfig(input, catalogJobTypes, { kind: 'recorded', key: contextKey, record });
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        problems = error.problems;
      }
    }
    if (!values['dry-run']) await writePreflightRecord(cwd, contextKey, record);
    const report = buildPreflightReport({
      record,
      contextKey,
      contextFile: values['dry-run'] ? null : CONTEXT_FILE,
      stackName,
      config,
      problems,
    });
    io.out(json ? JSON.stringify(report) : formatPreflightReport(report));
    return report.fits ? ExitCode.Ok : ExitCode.DoesNotFit;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n${USAGE.split('\n')[0]} (--help for more)`);
      return ExitCode.Usage;
    }
    if (error instanceof PreflightReadError || error instanceof ContextFileError) {
      io.err(`Error: ${error.message}`);
      if (json) io.out(JSON.stringify({ version: 1, fits: false, error: error.message }));
      return ExitCode.ApiError;
    }
    throw error;
  }
};

function parseOptions(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * The context `cdk synth` would see for the stage config: cdk.json's, then each `-c key=value`
 * (strings, as the CDK CLI passes them), then `--stack` as `asyncEndpoints.stackName`.
 * @throws UsageError on a `-c` without `=`
 */
function stageContext(
  cwd: string,
  pairs: readonly string[],
  stack: string | undefined,
): Record<string, unknown> {
  let context: Record<string, unknown> = {};
  try {
    const cdkJson = JSON.parse(readFileSync(path.join(cwd, 'cdk.json'), 'utf8')) as { context?: unknown };
    if (cdkJson.context && typeof cdkJson.context === 'object') context = { ...cdkJson.context };
  } catch {
    // No (readable) cdk.json here: the defaults, as synth would have none either.
  }
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`-c takes key=value, got '${pair}'`);
    context[pair.slice(0, at)] = pair.slice(at + 1);
  }
  if (stack !== undefined) context['asyncEndpoints.stackName'] = stack;
  return context;
}

/**
 * The Region the SDK would use (AWS_REGION, then the AWS profile's).
 * @throws UsageError when there is none
 */
async function defaultRegion(): Promise<string> {
  const region = await sdkDefaultRegion();
  if (region === undefined)
    throw new UsageError('No AWS Region: pass --region, or set AWS_REGION or a region in your AWS profile');
  return region;
}
