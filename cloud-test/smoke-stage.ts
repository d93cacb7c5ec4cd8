/**
 * The throwaway stage a smoke test deploys: its unique stack name and the stage config passed
 * to `cdk deploy` as `-c asyncEndpoints=<json>`.
 */
import { randomBytes } from 'node:crypto';

/** Every smoke stage's stack name starts with this; `--teardown` refuses any other name. */
export const SMOKE_STACK_PREFIX = 'AsyncEndpointsSmoke-';

/**
 * Longest stack name a smoke stage gets. Queue names, the dashboard and the alarms are built
 * from it (`<stack>_<job>_high_dlq` must stay within SQS's 80 characters), and stages with much
 * longer names may be refused at synth.
 */
export const MAX_SMOKE_STACK_NAME_LENGTH = 30;

/** A smoke stage: where it lives and how the app is told to build it. */
export interface SmokeStage {
  readonly stackName: string;
  readonly region: string;
  /** The `asyncEndpoints` context value (JSON), the same for deploy and destroy. */
  readonly contextJson: string;
}

/**
 * A new unique stack name: the prefix, the time in base 36 seconds (6 characters until 2038),
 * and 3 random base-36 characters, e.g. `AsyncEndpointsSmoke-tb2k1q-x7f` (30 characters). Two
 * runs started in the same second collide with a chance of 1 in 46,656.
 * @param nowMs the current time @default Date.now()
 * @param random random bytes @default crypto.randomBytes
 */
export function smokeStackName(
  nowMs: number = Date.now(),
  random: (size: number) => Uint8Array = randomBytes,
): string {
  const time = Math.floor(nowMs / 1000).toString(36);
  const bytes = random(3);
  const suffix = Array.from(bytes, (byte) => (byte % 36).toString(36)).join('');
  return `${SMOKE_STACK_PREFIX}${time}-${suffix}`;
}

/**
 * True for a name {@link smokeStackName} could have made: the prefix, then letters, digits and
 * dashes, at most {@link MAX_SMOKE_STACK_NAME_LENGTH} characters. CloudFormation accepts it
 * (letters, digits and dashes, starting with a letter, at most 128).
 */
export function isSmokeStackName(name: string): boolean {
  return (
    name.length <= MAX_SMOKE_STACK_NAME_LENGTH &&
    name.startsWith(SMOKE_STACK_PREFIX) &&
    /^[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9]$/.test(name)
  );
}

/**
 * The smoke stage's config: the default stage, deleted with everything in it (`removalPolicy:
 * 'destroy'`), and no alarm email. `manageApiGatewayAccount` stays unset, as in a user's stage:
 * the preflight that runs first records whether the Region has an API Gateway CloudWatch role,
 * so the smoke stage leaves an existing one alone, and creates one (retained, so destroying the
 * smoke stage never takes it away) only where the Region has none and logging could not deploy.
 */
export function smokeStage(stackName: string, region: string): SmokeStage {
  const config = { stackName, removalPolicy: 'destroy' };
  return { stackName, region, contextJson: JSON.stringify(config) };
}
