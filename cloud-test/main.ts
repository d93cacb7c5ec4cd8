/**
 * `npm run test:cloud`: the smoke test of a real deployment in the caller's AWS account. Wires
 * the real AWS clients, the CDK CLI, preflight and the process's signals into
 * {@link runCloudTest}; never part of `npm test`.
 */
import * as path from 'node:path';
import { JobsClient } from '../client';
import { CloudTestUsageError, parseCloudTestArgs, USAGE } from './args';
import { awsClients, destroyClients } from './aws-clients';
import { findRegion } from './caller';
import { spawnCommand } from './command-runner';
import { CloudTestExit } from './exit-codes';
import { type CloudTestDeps, runCloudTest } from './run-cloud-test';
import { processSignals } from './signals';
import { runTeardownOnly } from './teardown-only';
import { cdkCliToolkit } from './toolkit';

/** The repository root: where cdk.json is, and where the CDK CLI and preflight run. */
const ROOT = path.resolve(__dirname, '..');

const print = (stream: NodeJS.WriteStream) => (text: string) => stream.write(`${text}\n`);

async function main(argv: readonly string[]): Promise<number> {
  const out = print(process.stdout);
  const err = print(process.stderr);
  let args: ReturnType<typeof parseCloudTestArgs>;
  try {
    args = parseCloudTestArgs(argv);
  } catch (error) {
    if (!(error instanceof CloudTestUsageError)) throw error;
    err(`${error.message}\n\n${USAGE}`);
    return CloudTestExit.Usage;
  }
  if (args.help) {
    out(USAGE);
    return CloudTestExit.Passed;
  }
  // The SDK's ten-line Node-version notice (on Node 20) would bury the one-sentence answers and
  // the summary; the README states which Node versions the project runs on.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const region = await findRegion(args.region);
  // Without a Region only STS is called (the credentials come first), so any Region will do.
  const clients = awsClients(region ?? 'us-east-1');
  const deps: CloudTestDeps = {
    region,
    clients,
    toolkit: cdkCliToolkit({
      run: spawnCommand,
      cwd: ROOT,
      ...(args.quiet ? {} : { onLine: (line: string) => err(`    ${line}`) }),
    }),
    run: spawnCommand,
    signals: processSignals,
    out,
    err,
    makeClient: (url, apiRegion) => new JobsClient({ url, auth: 'sigv4', region: apiRegion }),
    cwd: ROOT,
  };
  try {
    return args.teardown ? await runTeardownOnly(deps, args.teardown) : await runCloudTest(deps);
  } finally {
    destroyClients(clients);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`The smoke test stopped unexpectedly: ${(error as Error).message ?? error}\n`);
    process.exitCode = CloudTestExit.Failed;
  },
);
