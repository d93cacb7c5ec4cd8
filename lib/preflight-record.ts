/**
 * The preflight record: what `npx async-endpoints preflight` read from one account and Region
 * (its Lambda concurrency, the reservations of this project's stages, a few quotas), cached in
 * `cdk.context.json` under one key per account and Region, the way CDK's own lookups cache what
 * they read, so `cdk synth` checks reservations against the real account offline and
 * deterministically. The CLI writes it; `config-reservations.ts` reads it.
 */
import { describe, isPlainObject } from './config-problems';

/** Every preflight record's context key starts with this. */
export const PREFLIGHT_KEY_PREFIX = 'async-endpoints:preflight:';

/** The record layout this code writes and understands. */
export const PREFLIGHT_RECORD_VERSION = 1;

/** A Service Quotas quota, by service and code. */
export interface QuotaId {
  /** Service Quotas' service code, e.g. `lambda`. */
  readonly serviceCode: string;
  /** Service Quotas' quota code, e.g. `L-B99A9384`. */
  readonly quotaCode: string;
  /** The quota's name as the Service Quotas console shows it. */
  readonly name: string;
}

/** Lambda's account concurrency quota: the one to raise when reservations do not fit. */
export const LAMBDA_CONCURRENCY_QUOTA: QuotaId = {
  serviceCode: 'lambda',
  quotaCode: 'L-B99A9384',
  name: 'Concurrent executions',
};

/**
 * The quotas the preflight reads: Lambda's concurrency, and API Gateway's account-wide request
 * rate and burst, which bound every stage's `apiThrottle` (all APIs of the account and Region
 * share them). SQS's limits that matter here (in-flight messages per queue, message size) are
 * hard limits, the same for every account, so there is nothing to read.
 */
export const PREFLIGHT_QUOTAS: readonly QuotaId[] = [
  LAMBDA_CONCURRENCY_QUOTA,
  { serviceCode: 'apigateway', quotaCode: 'L-8A5B8E43', name: 'Throttle rate' },
  { serviceCode: 'apigateway', quotaCode: 'L-CDF5615A', name: 'Throttle burst rate' },
];

/** One quota as read: the account's applied value, AWS's default, or unknown (and why). */
export interface QuotaReading extends QuotaId {
  /**
   * `applied`: the account's own value; `default`: Service Quotas has no applied value, this is
   * AWS's default; `unknown`: not readable (e.g. AccessDenied), see `reason`.
   */
  readonly source: 'applied' | 'default' | 'unknown';
  /** @default - unknown */
  readonly value?: number;
  /** Why the value is unknown. @default - none */
  readonly reason?: string;
}

/** The reservations of one stage (stack) of this project, as deployed. */
export interface StageReservations {
  /** Whether the stack exists. */
  readonly deployed: boolean;
  /** Sum of its functions' reserved concurrency. */
  readonly reservedConcurrency: number;
  /** Function name -> its reserved concurrency, for the functions that have one. */
  readonly functions: Readonly<Record<string, number>>;
}

/**
 * The Region's API Gateway account setting (`GetAccount`): the CloudWatch role every REST API of
 * the account and Region logs through, if one is set; `unknown` when it could not be read.
 */
export type ApiGatewayAccountReading =
  | { readonly source: 'read'; readonly cloudWatchRoleArn?: string }
  | { readonly source: 'unknown'; readonly reason: string };

/** What one preflight read from an account and Region. */
export interface PreflightRecord {
  readonly version: typeof PREFLIGHT_RECORD_VERSION;
  readonly account: string;
  readonly region: string;
  /** When it was read (ISO 8601). */
  readonly readAt: string;
  /** Lambda `GetAccountSettings`: the concurrency quota and what no function has reserved. */
  readonly lambda: { readonly concurrencyLimit: number; readonly unreservedConcurrency: number };
  /**
   * The stages read, by stack name: the one the preflight ran for and every stage an earlier
   * record of this account and Region named (each read again, so all are from one moment).
   */
  readonly stages: Readonly<Record<string, StageReservations>>;
  /** {@link PREFLIGHT_QUOTAS}, in that order. */
  readonly quotas: readonly QuotaReading[];
  /**
   * The Region's API Gateway CloudWatch role setting; decides `manageApiGatewayAccount` when the
   * stage leaves it unset.
   * @default - not read (a record of an earlier version): treated as unknown
   */
  readonly apiGatewayAccount?: ApiGatewayAccountReading;
}

/** The context key of the record for `account` in `region`. */
export function preflightContextKey(account: string, region: string): string {
  return `${PREFLIGHT_KEY_PREFIX}account=${account}:region=${region}`;
}

/**
 * What Lambda keeps unreserved: 100, or the whole quota when it is 100 or less (a new account
 * with a quota of 10 is refused any reservation: "minimum value of [10]").
 */
export function minimumUnreservedConcurrency(concurrencyLimit: number): number {
  return Math.min(concurrencyLimit, 100);
}

/**
 * Checks that `value` is a record this code understands, stored under `key`.
 * @returns the record, or a sentence saying what is wrong with it
 */
export function parsePreflightRecord(key: string, value: unknown): PreflightRecord | string {
  const bad = (what: string) =>
    `context key '${key}' is not a preflight record this version understands (${what}); run npx async-endpoints preflight again`;
  if (!isPlainObject(value)) return bad(`got ${describe(value)}`);
  if (value.version !== PREFLIGHT_RECORD_VERSION)
    return bad(`version ${describe(value.version)}, expected ${PREFLIGHT_RECORD_VERSION}`);
  const { account, region, lambda, stages, quotas, readAt } = value;
  if (typeof account !== 'string' || typeof region !== 'string' || typeof readAt !== 'string')
    return bad('account, region and readAt must be strings');
  if (key !== preflightContextKey(account, region))
    return bad(`it holds account ${account} in ${region}, not what its key names`);
  const count = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
  if (!isPlainObject(lambda) || !count(lambda.concurrencyLimit) || !count(lambda.unreservedConcurrency))
    return bad('lambda.concurrencyLimit and lambda.unreservedConcurrency must be integers >= 0');
  if ((lambda.unreservedConcurrency as number) > (lambda.concurrencyLimit as number))
    return bad('lambda.unreservedConcurrency is above lambda.concurrencyLimit');
  if (!isPlainObject(stages)) return bad('stages must be an object');
  for (const [name, stage] of Object.entries(stages)) {
    if (!isPlainObject(stage) || typeof stage.deployed !== 'boolean' || !count(stage.reservedConcurrency))
      return bad(`stages.${name} needs deployed (boolean) and reservedConcurrency (integer >= 0)`);
  }
  if (!Array.isArray(quotas)) return bad('quotas must be an array');
  const { apiGatewayAccount } = value;
  if (
    apiGatewayAccount !== undefined &&
    !(
      isPlainObject(apiGatewayAccount) &&
      ((apiGatewayAccount.source === 'read' &&
        ['string', 'undefined'].includes(typeof apiGatewayAccount.cloudWatchRoleArn)) ||
        (apiGatewayAccount.source === 'unknown' && typeof apiGatewayAccount.reason === 'string'))
    )
  )
    return bad(
      "apiGatewayAccount must be { source: 'read', cloudWatchRoleArn? } or { source: 'unknown', reason }",
    );
  return value as unknown as PreflightRecord;
}

/** Which record `cdk synth` uses, and why. */
export type PreflightSelection =
  | { readonly kind: 'recorded'; readonly key: string; readonly record: PreflightRecord }
  /** No record applies: `reason` says why (shown in the notice). */
  | { readonly kind: 'none'; readonly reason: string }
  /** The record that applies is unreadable: `problem` becomes a config error. */
  | { readonly kind: 'invalid'; readonly problem: string };

/**
 * Picks the record for this synth from the app's context (cdk.json, cdk.context.json, `-c`).
 * The stack is env-agnostic, so the account and Region come from `CDK_DEFAULT_ACCOUNT` and
 * `CDK_DEFAULT_REGION`, which the CDK CLI sets when it can resolve them (with credentials): then
 * only that account and Region's record counts. Without both (an offline synth), the only record
 * present is used; with several, none is (the notice says why).
 */
export function selectPreflightRecord(
  context: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): PreflightSelection {
  const keys = Object.keys(context)
    .filter((key) => key.startsWith(PREFLIGHT_KEY_PREFIX))
    .sort();
  const account = env.CDK_DEFAULT_ACCOUNT;
  const region = env.CDK_DEFAULT_REGION;
  let key: string | undefined;
  if (account && region) {
    key = preflightContextKey(account, region);
    if (!keys.includes(key)) {
      const others = keys.length > 0 ? ` (there are records for ${keys.map(describeKey).join(', ')})` : '';
      return { kind: 'none', reason: `no preflight record for account ${account} in ${region}${others}` };
    }
  } else if (keys.length === 1) {
    key = keys[0];
  } else if (keys.length === 0) {
    return { kind: 'none', reason: 'no preflight record in cdk.context.json' };
  } else {
    return {
      kind: 'none',
      reason: `${keys.length} preflight records (${keys.map(describeKey).join(', ')}) and no CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION to choose one`,
    };
  }
  const record = parsePreflightRecord(key as string, context[key as string]);
  return typeof record === 'string'
    ? { kind: 'invalid', problem: record }
    : { kind: 'recorded', key: key as string, record };
}

function describeKey(key: string): string {
  const match = /account=([^:]*):region=(.*)$/.exec(key);
  return match ? `account ${match[1]} in ${match[2]}` : key;
}
