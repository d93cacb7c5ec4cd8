/** The command line of `npm run test:cloud -- [options]`. */
import { parseArgs } from 'node:util';
import { isSmokeStackName } from './smoke-stage';

/** What the command line asks for. */
export interface CloudTestArgs {
  /** `--region`; else the AWS configuration's. */
  readonly region?: string;
  /** `--teardown <stack>`: only destroy a smoke stage a previous run left behind. */
  readonly teardown?: string;
  /** `--quiet`: do not show the CDK CLI's output. */
  readonly quiet: boolean;
  readonly help: boolean;
}

/** Bad arguments; the message says which. */
export class CloudTestUsageError extends Error {
  override readonly name = 'CloudTestUsageError';
}

/** The help text. */
export const USAGE = `Usage: npm run test:cloud -- [--region <region>] [--quiet]
       npm run test:cloud -- --teardown <stack> [--region <region>]

Deploys a throwaway stage (AsyncEndpointsSmoke-...) with your AWS credentials, runs the
end-to-end scenarios, the alarm delivery and dashboard checks against it, prints a summary,
and destroys it (also after a failure or Ctrl-C).

  --region <region>   AWS Region (default: AWS_REGION, your profile's region, AWS_DEFAULT_REGION)
  --teardown <stack>  only destroy a smoke stage a previous run could not
  --quiet             do not show the CDK CLI's output
  -h, --help          this help

Exit codes: 0 passed and destroyed; 1 a check failed (destroyed); 2 usage error; 3 nothing
deployed (no credentials or Region, or preflight refused); 4 the stage could not be destroyed
(the command to finish is printed); 130/143 interrupted (destroyed).`;

/**
 * @throws CloudTestUsageError for unknown options, stray arguments, or a `--teardown` name that
 *   is not a smoke stage's (it never deletes another stack)
 */
export function parseCloudTestArgs(argv: readonly string[]): CloudTestArgs {
  let values: { region?: string | undefined; teardown?: string | undefined; quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        region: { type: 'string' },
        teardown: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new CloudTestUsageError((error as Error).message);
  }
  if (values.teardown !== undefined && !isSmokeStackName(values.teardown)) {
    throw new CloudTestUsageError(
      `--teardown takes a smoke stage's stack name (AsyncEndpointsSmoke-...), got '${values.teardown}'`,
    );
  }
  return {
    ...(values.region ? { region: values.region } : {}),
    ...(values.teardown ? { teardown: values.teardown } : {}),
    quiet: values.quiet === true,
    help: values.help === true,
  };
}
