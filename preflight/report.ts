/**
 * What `preflight` found, as one object (`--json`, a stable shape: {@link PreflightReport}) and
 * as plain sentences.
 */
import type { StageConfig } from '../lib/config';
import { assessReservations } from '../lib/config-reservations';
import {
  type ApiGatewayAccountReading,
  LAMBDA_CONCURRENCY_QUOTA,
  minimumUnreservedConcurrency,
  type PreflightRecord,
  type QuotaReading,
} from '../lib/preflight-record';

/** The stage's side of the report; null in {@link PreflightReport} when its config is invalid. */
export interface PreflightStageReport {
  readonly profile: string;
  /** Whether the stack exists in the account and Region. */
  readonly deployed: boolean;
  /** The stage-level `reservedConcurrency`: `'on'` or `'off'`. */
  readonly reservedConcurrency: 'on' | 'off';
  /** Job type -> what its processor reserves (0 with reservations off). */
  readonly perJobType: Readonly<Record<string, number>>;
  /** What the stage reserves in all. */
  readonly needed: number;
  /** Reserved by the stage's deployed functions now (an update replaces them). */
  readonly reservedByStage: number;
  /** Reserved by every other function of the account. */
  readonly reservedByOthers: number;
  /** What the stage may reserve. */
  readonly available: number;
  /** The smallest Lambda quota that holds the stage beside the others. */
  readonly quotaNeeded: number;
  /** Most concurrent invocations all its event sources may make (every lane's ceiling). */
  readonly eventSourceConcurrency: number;
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
}

/** The `--json` output. Fields are only ever added (`version` changes if one changes meaning). */
export interface PreflightReport {
  readonly version: 1;
  /** True when `cdk synth` will accept the stage: the exit code is 0 exactly then. */
  readonly fits: boolean;
  readonly account: string;
  readonly region: string;
  readonly stackName: string;
  readonly readAt: string;
  /** The key of the record in `cdk.context.json`. */
  readonly contextKey: string;
  /** The file written, relative to the working directory; null with `--dry-run`. */
  readonly contextFile: string | null;
  readonly lambda: {
    readonly concurrencyLimit: number;
    readonly unreservedConcurrency: number;
    readonly minimumUnreserved: number;
    readonly reservedInAccount: number;
  };
  readonly stage: PreflightStageReport | null;
  readonly quotas: readonly QuotaReading[];
  /** The Region's API Gateway CloudWatch role setting (`unknown` when not readable). */
  readonly apiGatewayAccount: ApiGatewayAccountReading;
  /** What `cdk synth` would refuse, word for word (empty when it fits). */
  readonly problems: readonly string[];
}

/** What the report is built from. */
export interface PreflightReportInput {
  readonly record: PreflightRecord;
  readonly contextKey: string;
  readonly contextFile: string | null;
  readonly stackName: string;
  /** The stage's config resolved without the account check; undefined when invalid. */
  readonly config: StageConfig | undefined;
  /** The stage's config problems with the account check against `record`. */
  readonly problems: readonly string[];
}

/** Builds the report. */
export function buildPreflightReport(input: PreflightReportInput): PreflightReport {
  const { record, config, stackName } = input;
  const { concurrencyLimit, unreservedConcurrency } = record.lambda;
  let stage: PreflightStageReport | null = null;
  if (config) {
    const a = assessReservations(record, stackName, config.jobTypes);
    stage = {
      profile: config.profile,
      deployed: record.stages[stackName]?.deployed ?? false,
      reservedConcurrency: config.reservedConcurrency,
      perJobType: a.perJobType,
      needed: a.needed,
      reservedByStage: a.reservedByStage,
      reservedByOthers: a.reservedByOthers,
      available: a.available,
      quotaNeeded: a.quotaNeeded,
      eventSourceConcurrency: config.jobTypes.reduce(
        (sum, j) => sum + j.settings.maxConcurrency + j.settings.highPriorityMaxConcurrency,
        0,
      ),
      apiThrottle: config.apiThrottle,
    };
  }
  return {
    version: 1,
    fits: input.problems.length === 0,
    account: record.account,
    region: record.region,
    stackName,
    readAt: record.readAt,
    contextKey: input.contextKey,
    contextFile: input.contextFile,
    lambda: {
      concurrencyLimit,
      unreservedConcurrency,
      minimumUnreserved: minimumUnreservedConcurrency(concurrencyLimit),
      reservedInAccount: concurrencyLimit - unreservedConcurrency,
    },
    stage,
    quotas: record.quotas,
    apiGatewayAccount: record.apiGatewayAccount ?? { source: 'unknown', reason: 'not read' },
    problems: input.problems,
  };
}

const n = (value: number) => value.toLocaleString('en-US');
const SERVICE_NAMES: Readonly<Record<string, string>> = { lambda: 'Lambda', apigateway: 'API Gateway' };

/** The report in plain sentences. */
export function formatPreflightReport(r: PreflightReport): string {
  const { lambda, stage } = r;
  const lines = [
    `Account ${r.account} in ${r.region}: Lambda allows ${n(lambda.concurrencyLimit)} concurrent executions (quota "${LAMBDA_CONCURRENCY_QUOTA.name}", ${LAMBDA_CONCURRENCY_QUOTA.quotaCode}); functions reserve ${n(lambda.reservedInAccount)} of them, ${n(lambda.unreservedConcurrency)} are unreserved.`,
    lambda.minimumUnreserved < 100
      ? `Lambda keeps all ${n(lambda.minimumUnreserved)} unreserved: with a quota of 100 or less no function can reserve any.`
      : `Lambda keeps ${n(lambda.minimumUnreserved)} of them unreserved.`,
  ];
  if (stage) {
    lines.push(
      stage.deployed
        ? `Stack ${r.stackName} is deployed and reserves ${n(stage.reservedByStage)}; other functions reserve ${n(stage.reservedByOthers)}.`
        : `Stack ${r.stackName} is not deployed; other functions reserve ${n(stage.reservedByOthers)}.`,
    );
    if (stage.reservedConcurrency === 'on') {
      const each = Object.entries(stage.perJobType).map(([name, value]) => `${name} ${n(value)}`);
      lines.push(
        `The stage (profile ${stage.profile}) reserves ${n(stage.needed)} (${each.join(', ')}); ${n(stage.available)} are available to it.`,
      );
    } else {
      const pool = lambda.concurrencyLimit - stage.reservedByOthers;
      lines.push(
        `The stage (profile ${stage.profile}) reserves nothing (reservedConcurrency 'off'): its event sources may run up to ${n(stage.eventSourceConcurrency)} invocations at once from the unreserved pool of ${n(pool)}${stage.eventSourceConcurrency > pool ? ', more than it holds: under load the job types and the API compete for it and Lambda throttles' : ''}.`,
      );
    }
  }
  if (r.fits) {
    lines.push(
      `It fits: cdk synth accepts the stage and cdk deploy will not be refused for reserved concurrency.`,
    );
  } else {
    lines.push(
      `It does not fit${stage ? '' : ' (the stage config is invalid)'}; cdk synth will refuse it with:`,
      ...r.problems.map((problem) => `- ${problem}`),
    );
  }
  for (const quota of r.quotas) {
    const service = SERVICE_NAMES[quota.serviceCode] ?? quota.serviceCode;
    const value =
      quota.source === 'unknown'
        ? `unknown (${quota.reason ?? 'not readable'})`
        : `${n(quota.value ?? 0)} (${quota.source === 'applied' ? "the account's" : "AWS's default"})`;
    lines.push(`Quota ${service} "${quota.name}" (${quota.quotaCode}): ${value}.`);
  }
  lines.push(apiGatewayAccountSentence(r.apiGatewayAccount));
  const rate = r.quotas.find((q) => q.quotaCode === 'L-8A5B8E43')?.value;
  if (stage && rate !== undefined && stage.apiThrottle.rateLimit > rate) {
    lines.push(
      `The stage's API throttle (${n(stage.apiThrottle.rateLimit)} requests/s) is above the account's ${n(rate)} for all its APIs in ${r.region}, which binds first: request an increase of API Gateway "Throttle rate" (L-8A5B8E43), or lower apiThrottle.rateLimit.`,
    );
  }
  lines.push(
    r.contextFile
      ? `Recorded in ${r.contextFile} under "${r.contextKey}": cdk synth checks the stage against it. Commit the file, and run preflight again after a quota change or a deploy of another stage.`
      : 'Not recorded (--dry-run).',
  );
  return lines.join('\n');
}

/** What the Region's API Gateway CloudWatch role means for a stage that leaves `manageApiGatewayAccount` unset. */
function apiGatewayAccountSentence(reading: ApiGatewayAccountReading): string {
  if (reading.source === 'unknown') {
    return `The Region's API Gateway CloudWatch role could not be read (${reading.reason}): a stage that leaves manageApiGatewayAccount unset creates one (retained), which its logs need.`;
  }
  return reading.cloudWatchRoleArn
    ? `The Region's API Gateway CloudWatch role is ${reading.cloudWatchRoleArn}: a stage that leaves manageApiGatewayAccount unset leaves it alone.`
    : `The Region has no API Gateway CloudWatch role: a stage that leaves manageApiGatewayAccount unset creates one (retained), which its logs need.`;
}
