/**
 * Who runs the smoke test, and where: the caller's credentials (STS `GetCallerIdentity`) and
 * Region, checked before anything else, each refused in one plain sentence.
 */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { sdkDefaultRegion } from '../cli/sdk-region';

/** Thrown when the run cannot start; `message` is one sentence meant for the user, nothing more. */
export class CannotStartError extends Error {
  override readonly name = 'CannotStartError';
}

/** The sentence printed when no credentials are found. */
export const NO_CREDENTIALS_MESSAGE =
  'No AWS credentials found: run `aws configure` (or `aws sso login`), set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, then run `npm run test:cloud` again.';

/** The sentence printed when no Region is configured. */
export const NO_REGION_MESSAGE =
  'No AWS Region: pass `--region <region>`, export AWS_REGION, or set `region` in your AWS profile.';

/** The verified caller. */
export interface Caller {
  readonly account: string;
  readonly arn: string;
}

/**
 * The Region to deploy to: `--region`, else what the SDK finds (AWS_REGION, the profile), else
 * AWS_DEFAULT_REGION (the AWS CLI's variable, which the SDK ignores); undefined when none.
 */
export async function findRegion(
  explicit: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string | undefined> {
  if (explicit) return explicit;
  return (await sdkDefaultRegion()) ?? (env.AWS_DEFAULT_REGION || undefined);
}

/** SDK error names that mean "there are no credentials", as opposed to "they were refused". */
const MISSING = new Set(['CredentialsProviderError', 'TokenProviderError']);

/**
 * Calls STS `GetCallerIdentity`, which needs no permission: it proves the credentials work.
 * @throws CannotStartError with {@link NO_CREDENTIALS_MESSAGE} when there are none, or one
 *   sentence naming the SDK's reason when AWS refuses them (expired, invalid)
 */
export async function checkCaller(sts: STSClient, signal?: AbortSignal): Promise<Caller> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}), signal ? { abortSignal: signal } : {});
    return { account: identity.Account ?? 'unknown', arn: identity.Arn ?? 'unknown' };
  } catch (error) {
    const { name, message } = error as Error;
    if (MISSING.has(name)) throw new CannotStartError(NO_CREDENTIALS_MESSAGE);
    const reason = `${name}: ${message.split('\n')[0]?.replace(/\.$/, '')}`;
    // Only an answer from STS carries an HTTP status; anything else never reached it.
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === undefined) {
      throw new CannotStartError(`Could not reach AWS STS to check your credentials (${reason}).`);
    }
    throw new CannotStartError(
      `AWS refused your credentials (${reason}): refresh them (e.g. \`aws sso login\`) and run again.`,
    );
  }
}

/**
 * The checks every run starts with, credentials first: the caller, and the Region it works in.
 * @throws CannotStartError with one sentence: no credentials, refused credentials, or no Region
 */
export async function checkCallerAndRegion(
  sts: STSClient,
  region: string | undefined,
): Promise<Caller & { readonly region: string }> {
  const caller = await checkCaller(sts);
  if (!region) throw new CannotStartError(NO_REGION_MESSAGE);
  return { ...caller, region };
}
