/**
 * `npm run test:cloud -- --teardown <stack>`: destroys a smoke stage a previous run left behind
 * (its teardown failed, or the process was killed), the same way the run's own teardown does.
 */
import { CannotStartError, checkCallerAndRegion } from './caller';
import { CloudTestExit } from './exit-codes';
import type { CloudTestDeps } from './run-cloud-test';
import { smokeStage } from './smoke-stage';
import { tearDown, teardownCommand } from './teardown';

/** What the teardown alone needs of {@link CloudTestDeps}. */
export type TeardownOnlyDeps = Pick<
  CloudTestDeps,
  'region' | 'clients' | 'toolkit' | 'signals' | 'out' | 'err' | 'settle'
>;

/** Destroys smoke stage `stackName` and returns the exit code. */
export async function runTeardownOnly(deps: TeardownOnlyDeps, stackName: string): Promise<CloudTestExit> {
  const { out, err } = deps;
  let region: string;
  try {
    ({ region } = await checkCallerAndRegion(deps.clients.sts, deps.region));
  } catch (error) {
    if (!(error instanceof CannotStartError)) throw error;
    err(error.message);
    return CloudTestExit.NotStarted;
  }
  const stage = smokeStage(stackName, region);
  const unsubscribe = deps.signals.subscribe(() =>
    err(`Teardown of ${stackName} is in progress; it ends by itself.`),
  );
  try {
    out(`Destroying ${stackName} in ${region}...`);
    out(
      await tearDown({
        clients: deps.clients,
        toolkit: deps.toolkit,
        stage,
        log: out,
        ...(deps.settle ? { settle: deps.settle } : {}),
      }),
    );
    return CloudTestExit.Passed;
  } catch (error) {
    err(
      `The stage ${stackName} was not destroyed (${(error as Error).message}). Run again: ${teardownCommand(stage)}`,
    );
    return CloudTestExit.TeardownFailed;
  } finally {
    unsubscribe();
  }
}
