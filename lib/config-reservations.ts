/**
 * The stage's reserved concurrency against the account's Lambda quota, checked at synth time:
 * against the preflight record when there is one (`preflight-record.ts`), else against the
 * profile's assumed `accountConcurrency`. Also the stage-level `reservedConcurrency: 'off'`
 * switch, which deploys without any reservation (for accounts whose quota cannot hold them).
 */
import type { JobSettings } from '../lambdas/core/job-settings';
import { LIMITS } from './config-defaults';
import { describe, type Problems } from './config-problems';
import type { JobTypeConfig } from './job-type-checks';
import {
  LAMBDA_CONCURRENCY_QUOTA,
  minimumUnreservedConcurrency,
  type PreflightRecord,
  type PreflightSelection,
} from './preflight-record';

/** The stage-level switch: `on` reserves each job type's `reservedConcurrency`; `off` none. */
export type ReservationMode = 'on' | 'off';

/**
 * What the account check compares the stage with: a {@link PreflightSelection}, or `unchecked`
 * (the preflight command, which reports the fit itself).
 */
export type ConcurrencyBasis = PreflightSelection | { readonly kind: 'unchecked' };

/** What the CLI suggests running, in messages. */
const PREFLIGHT_COMMAND = 'npx async-endpoints preflight';
const QUOTA = `Lambda "${LAMBDA_CONCURRENCY_QUOTA.name}" (Service Quotas code ${LAMBDA_CONCURRENCY_QUOTA.quotaCode})`;

/**
 * Reads the stage-level `reservedConcurrency`.
 * @default 'on'
 */
export function readReservationMode(p: Problems, raw: Readonly<Record<string, unknown>>): ReservationMode {
  const value = raw.reservedConcurrency;
  if (value === undefined || value === 'on' || value === 'off') return value ?? 'on';
  p.add(
    `reservedConcurrency (stage level) must be 'on' or 'off', got ${describe(value)}; a job type's number goes under jobTypes.<name>.reservedConcurrency`,
  );
  return 'on';
}

/** With reservations off, a per-job-type `reservedConcurrency` in the stage config is a contradiction. */
export function checkReservationOverrides(
  p: Problems,
  mode: ReservationMode,
  overrides: Readonly<Record<string, Partial<Record<keyof JobSettings, unknown>>>>,
): void {
  if (mode !== 'off') return;
  for (const [name, settings] of Object.entries(overrides)) {
    if (settings.reservedConcurrency !== undefined) {
      p.add(
        `jobTypes.${name}.reservedConcurrency is set but the stage's reservedConcurrency is 'off' (no function reserves concurrency): remove one of them`,
      );
    }
  }
}

/** The stage's reservations against a preflight record. */
export interface ReservationAssessment {
  /** Job type -> the concurrency its processor reserves (0 with reservations off). */
  readonly perJobType: Readonly<Record<string, number>>;
  /** What the stage reserves in all. */
  readonly needed: number;
  /** The account's Lambda concurrency quota. */
  readonly concurrencyLimit: number;
  /** What Lambda keeps unreserved: 100, or the whole quota below that. */
  readonly minimumUnreserved: number;
  /** Reserved by any function in the account when the record was read. */
  readonly reservedInAccount: number;
  /** Reserved by this stage's own deployed functions then (an update replaces them). */
  readonly reservedByStage: number;
  /** Reserved by every other function of the account (other stages, other projects). */
  readonly reservedByOthers: number;
  /** What this stage may reserve: the quota minus the minimum unreserved minus the others. */
  readonly available: number;
  readonly fits: boolean;
  /** The smallest quota that would hold the stage beside the others. */
  readonly quotaNeeded: number;
  /** Whether the record read this stack (if not, it counts as not deployed). */
  readonly stageInRecord: boolean;
}

/** Compares the stage `stackName` with `jobs` (resolved) with what `record` read. */
export function assessReservations(
  record: PreflightRecord,
  stackName: string,
  jobs: readonly Pick<JobTypeConfig, 'name' | 'reservedConcurrentExecutions'>[],
): ReservationAssessment {
  const perJobType = Object.fromEntries(jobs.map((j) => [j.name, j.reservedConcurrentExecutions ?? 0]));
  const needed = Object.values(perJobType).reduce((sum, n) => sum + n, 0);
  const { concurrencyLimit, unreservedConcurrency } = record.lambda;
  const minimumUnreserved = minimumUnreservedConcurrency(concurrencyLimit);
  const reservedInAccount = concurrencyLimit - unreservedConcurrency;
  const stage = record.stages[stackName];
  const reservedByStage = stage?.deployed ? stage.reservedConcurrency : 0;
  const reservedByOthers = Math.max(0, reservedInAccount - reservedByStage);
  const available = Math.max(0, concurrencyLimit - minimumUnreserved - reservedByOthers);
  return {
    perJobType,
    needed,
    concurrencyLimit,
    minimumUnreserved,
    reservedInAccount,
    reservedByStage,
    reservedByOthers,
    available,
    fits: needed <= available,
    quotaNeeded: needed + reservedByOthers + LIMITS.unreservedAccountConcurrency,
    stageInRecord: stage !== undefined,
  };
}

/** What the stage's reservations were checked against. */
export interface AccountCheckInput {
  readonly jobs: readonly JobTypeConfig[];
  readonly stackName: string;
  readonly basis: ConcurrencyBasis;
  /** The assumption used without a record: `accountConcurrency` and where it came from. */
  readonly assumed: { readonly accountConcurrency: number; readonly from: string };
}

/**
 * Adds the one problem when the stage's reservations do not fit the account.
 * @returns the quota the check used, and a notice for the synth output (once per stage)
 */
export function checkAccountConcurrency(
  p: Problems,
  { jobs, stackName, basis, assumed }: AccountCheckInput,
): { readonly accountConcurrency: number; readonly notice?: string } {
  if (basis.kind === 'invalid') {
    p.add(basis.problem);
    return { accountConcurrency: assumed.accountConcurrency };
  }
  const reserved = jobs.filter((j) => j.reservedConcurrentExecutions !== undefined);
  const list = reserved.map((j) => `${j.name}=${j.reservedConcurrentExecutions}`).join(', ');
  if (basis.kind === 'recorded') {
    const { record } = basis;
    const a = assessReservations(record, stackName, jobs);
    const where = `account ${record.account} in ${record.region} (preflight of ${record.readAt.slice(0, 10)})`;
    if (!a.fits) {
      const unlisted = a.stageInRecord
        ? ''
        : ` Stack ${stackName} is not in the record, so it counts as not deployed: if it is, run ${PREFLIGHT_COMMAND} --stack ${stackName}.`;
      p.add(
        `reserved concurrency of all job types (${list}; total ${a.needed}) does not fit ${where}: its Lambda quota is ${a.concurrencyLimit}, Lambda keeps ${a.minimumUnreserved} of it unreserved and other functions reserve ${a.reservedByOthers}, which leaves ${a.available}.${unlisted} Two ways out: request a quota increase of ${QUOTA} to at least ${a.quotaNeeded}, then run ${PREFLIGHT_COMMAND} again; or set asyncEndpoints.reservedConcurrency to 'off' to deploy without reservations, each event source's MaximumConcurrency then bounding its job type`,
      );
    }
    const notice =
      reserved.length === 0
        ? undefined
        : `Reserved concurrency checked against the preflight record of ${where}: quota ${a.concurrencyLimit}, ${a.reservedByOthers} reserved by other functions; this stage reserves ${a.needed} of the ${a.available} available.`;
    return { accountConcurrency: a.concurrencyLimit, ...(notice ? { notice } : {}) };
  }
  const { accountConcurrency, from } = assumed;
  if (basis.kind === 'unchecked' || reserved.length === 0) return { accountConcurrency };
  const total = reserved.reduce((sum, j) => sum + (j.reservedConcurrentExecutions ?? 0), 0);
  const reservable = accountConcurrency - LIMITS.unreservedAccountConcurrency;
  if (total > reservable) {
    p.add(
      `reserved concurrency of all job types (${list}; total ${total}) exceeds accountConcurrency ${accountConcurrency} minus the ${LIMITS.unreservedAccountConcurrency} Lambda keeps unreserved (${reservable}); ${from}. Run ${PREFLIGHT_COMMAND} to check the account's real quota; request an increase of ${QUOTA}, or set asyncEndpoints.reservedConcurrency to 'off'`,
    );
  }
  return {
    accountConcurrency,
    notice: `No preflight record (${basis.reason}): reserved concurrency (total ${total}) was checked against accountConcurrency ${accountConcurrency}, an assumption, not the account's real quota (new accounts often have 10, which holds no reservation). Run ${PREFLIGHT_COMMAND} with credentials for the target account and Region before the first deploy.`,
  };
}
