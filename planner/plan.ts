/**
 * The capacity planner: for one job type's workload (rate, duration, payload), the concurrency
 * it needs by Little's law, the profile and settings to deploy it with, the AWS quotas to check
 * or raise, and what it costs a month. Pure: no AWS, no I/O.
 */
import {
  DEFAULT_JOB_SETTINGS,
  type JobKind,
  type JobSettings,
  type PollerRange,
  resolveJobSettings,
} from '../lambdas/core/job-settings';
import { PROFILE_NAMES, PROFILES, type ProfileName } from '../lib/profiles';
import {
  HEADROOM,
  MIN_GATHER_SECONDS,
  POLL_SECONDS,
  PROCESSOR_OVERHEAD_SECONDS,
  SUBMIT_SECONDS,
} from './assumptions';
import { type CostBreakdown, monthlyCost } from './cost';
import { type JobFootprint, jobFootprint } from './job-footprint';
import { laneScalingFor } from './pollers';
import { checkQuotas, type QuotaCheck } from './quotas';

/** The workload of one job type. */
export interface PlanInput {
  /** Jobs submitted per minute (mean). */
  readonly ratePerMinute: number;
  /** Seconds one job's handler runs (at the memory it gets). */
  readonly durationSeconds: number;
  /** Bytes of a job's input (the request body). */
  readonly payloadBytes: number;
  /**
   * Bytes of a job's result.
   * @default 1024
   */
  readonly resultBytes?: number;
  /**
   * What bounds the job's time.
   * @default 'io'
   */
  readonly kind?: JobKind;
  /**
   * Plan for this profile instead of the recommended one.
   * @default - the smallest profile that fits
   */
  readonly profile?: ProfileName;
  /**
   * Processor memory, MiB.
   * @default the kind's: 512 (io), 1769 (cpu)
   */
  readonly memoryMiB?: number;
  /**
   * Status polls (`GET /jobs/{id}`) per job.
   * @default floor((window / 2 + duration) / pollIntervalSeconds) + 1: clients poll every
   *   `Retry-After` seconds until the job is done, and it is done after about half a batching
   *   window plus its duration
   */
  readonly pollsPerJob?: number;
}

/** Little's law, applied to the processors. */
export interface Concurrency {
  /** Mean arrivals, jobs per second (lambda). */
  readonly jobsPerSecond: number;
  /** How long one invocation lasts: the job plus the claim and outcome writes (W). */
  readonly secondsPerInvocation: number;
  /** Mean jobs being processed at once: L = lambda x W. */
  readonly jobsInFlight: number;
  /** Jobs one invocation runs at once: a full-enough batch for io, 1 for cpu. */
  readonly jobsPerInvocation: number;
  /** Mean concurrent invocations: L / jobs per invocation. */
  readonly invocationsInFlight: number;
  /** The headroom factor applied. */
  readonly headroom: number;
  /** Concurrent invocations to provision: ceil(mean x headroom). */
  readonly invocationsNeeded: number;
}

/**
 * The settings to deploy the job type with: the stack's own {@link JobSettings} fields (per queue
 * for the concurrency), plus what the plan adds.
 */
export interface RecommendedSettings
  extends Pick<
    JobSettings,
    | 'kind'
    | 'memoryMiB'
    | 'timeoutSeconds'
    | 'batchSize'
    | 'maxBatchingWindowSeconds'
    | 'maxConcurrency'
    | 'reservedConcurrency'
  > {
  /**
   * Provisioned mode's pollers, when the event source needs them (past standard mode's 1,000
   * concurrent invocations) or the profile uses them; `maxConcurrency` is then `maximum x 10`.
   */
  readonly provisionedPollers?: PollerRange;
  /** The profile's own ceiling: its `maxConcurrency`, or its `provisionedPollers.maximum x 10`. */
  readonly profileMaxConcurrency: number;
  readonly retentionDays: number;
}

/** A whole plan. */
export interface Plan {
  readonly input: Required<Omit<PlanInput, 'profile'>>;
  readonly profile: {
    readonly name: ProfileName;
    /** The profile the planner would choose. */
    readonly recommended: ProfileName;
    /** Whether the profile's own concurrency carries the workload. */
    readonly fits: boolean;
  };
  readonly concurrency: Concurrency;
  readonly settings: RecommendedSettings;
  readonly requests: {
    readonly pollsPerJob: number;
    /** API Gateway requests per job: the submit plus the polls. */
    readonly apiRequestsPerJob: number;
    /** Mean API requests per second. */
    readonly apiRequestsPerSecond: number;
    /** Mean concurrent API function invocations. */
    readonly apiConcurrency: number;
    readonly footprint: JobFootprint;
  };
  readonly quotas: readonly QuotaCheck[];
  readonly cost: CostBreakdown;
  readonly warnings: readonly string[];
}

/** The profile a rate falls in by the seed's tiers. */
export function profileForRate(ratePerMinute: number): ProfileName {
  return (
    PROFILE_NAMES.find((name) => ratePerMinute <= (PROFILES[name].jobsPerMinute.upTo ?? Infinity)) ?? 'large'
  );
}

/**
 * Jobs per batch the event source delivers: what arrives while it gathers (the batching
 * window, at least {@link MIN_GATHER_SECONDS}), up to the batch size, at least one.
 */
export function effectiveBatchSize(jobsPerSecond: number, batchSize: number, windowSeconds: number): number {
  return Math.min(
    batchSize,
    Math.max(1, Math.floor(jobsPerSecond * Math.max(windowSeconds, MIN_GATHER_SECONDS))),
  );
}

/** Little's law for `profile`'s row of `kind`. */
export function concurrencyFor(
  input: Pick<PlanInput, 'ratePerMinute' | 'durationSeconds'>,
  kind: JobKind,
  profile: ProfileName,
): Concurrency {
  const row = PROFILES[profile].jobs[kind];
  const jobsPerSecond = input.ratePerMinute / 60;
  const secondsPerInvocation = input.durationSeconds + PROCESSOR_OVERHEAD_SECONDS;
  const jobsInFlight = jobsPerSecond * secondsPerInvocation;
  // CPU-bound records in one invocation would share its vCPU: one job per invocation.
  const jobsPerInvocation =
    kind === 'cpu' ? 1 : effectiveBatchSize(jobsPerSecond, row.batchSize, row.maxBatchingWindowSeconds);
  const invocationsInFlight = jobsInFlight / jobsPerInvocation;
  return {
    jobsPerSecond,
    secondsPerInvocation,
    jobsInFlight,
    jobsPerInvocation,
    invocationsInFlight,
    headroom: HEADROOM,
    invocationsNeeded: Math.ceil(invocationsInFlight * HEADROOM - 1e-9),
  };
}

/**
 * Plans one job type's deployment.
 *
 * @throws RangeError when a number is not positive (or the payload negative)
 * @example plan({ ratePerMinute: 5000, durationSeconds: 2, payloadBytes: 4096 }).cost.totalUsd
 */
export function plan(input: PlanInput): Plan {
  checkInput(input);
  const kind = input.kind ?? 'io';
  const kindDefaults = resolveJobSettings({ kind });
  const warnings: string[] = [];

  // The smallest profile, from the rate's tier up, whose concurrency carries the load.
  let recommended = profileForRate(input.ratePerMinute);
  for (const name of PROFILE_NAMES.slice(PROFILE_NAMES.indexOf(recommended))) {
    recommended = name;
    if (carries(name, kind, concurrencyFor(input, kind, name))) break;
  }
  const profileName = input.profile ?? recommended;
  const profile = PROFILES[profileName];
  const row = profile.jobs[kind];
  const concurrency = concurrencyFor(input, kind, profileName);

  const scaling = laneScalingFor(concurrency, row.provisionedPollers !== undefined);
  const fits = carries(profileName, kind, concurrency);
  if (!fits) {
    warnings.push(
      `Profile ${profileName} caps ${kind} job types at ${ceilingOf(profileName, kind)} concurrent invocations of up to ${jobsPerFullInvocation(profileName, kind)} jobs; this workload needs ${concurrency.invocationsNeeded}: set ${scaling.provisionedPollers ? 'provisionedPollers' : 'maxConcurrency'} as recommended.`,
    );
  }
  if (scaling.provisionedPollers) {
    warnings.push(
      `Provisioned mode is billed per event poller unit; its price is not in the price table (not public in the copies it was compiled from), so the cost below leaves out the ${scaling.provisionedPollers.minimum} pollers always on and any scaled above them.`,
    );
  }
  const timeoutSeconds = Math.min(
    900,
    Math.max(kindDefaults.timeoutSeconds, Math.ceil(3 * input.durationSeconds)),
  );
  if (3 * input.durationSeconds > 900) {
    warnings.push(
      `A ${input.durationSeconds} s job leaves little room under Lambda's 15-minute limit: split it into steps (Step Functions) or checkpoint its progress.`,
    );
  }

  const pollInterval = DEFAULT_JOB_SETTINGS.pollIntervalSeconds;
  const pollsPerJob =
    input.pollsPerJob ??
    Math.floor((row.maxBatchingWindowSeconds / 2 + input.durationSeconds) / pollInterval) + 1;
  const resolved = {
    ratePerMinute: input.ratePerMinute,
    durationSeconds: input.durationSeconds,
    payloadBytes: input.payloadBytes,
    resultBytes: input.resultBytes ?? 1024,
    kind,
    memoryMiB: input.memoryMiB ?? kindDefaults.memoryMiB,
    pollsPerJob,
  };
  const footprint = jobFootprint(resolved);
  const apiRequestsPerJob = 1 + pollsPerJob;
  const settings: RecommendedSettings = {
    kind,
    memoryMiB: resolved.memoryMiB,
    timeoutSeconds,
    batchSize: row.batchSize,
    maxBatchingWindowSeconds: row.maxBatchingWindowSeconds,
    ...scaling,
    reservedConcurrency: scaling.maxConcurrency,
    profileMaxConcurrency: ceilingOf(profileName, kind),
    retentionDays: profile.retentionDays,
  };
  const requests = {
    pollsPerJob,
    apiRequestsPerJob,
    apiRequestsPerSecond: concurrency.jobsPerSecond * apiRequestsPerJob,
    apiConcurrency: concurrency.jobsPerSecond * (SUBMIT_SECONDS + pollsPerJob * POLL_SECONDS),
    footprint,
  };
  if (kind === 'cpu' && resolved.memoryMiB < 1769) {
    warnings.push(
      `A CPU-bound job at ${resolved.memoryMiB} MiB gets ${(resolved.memoryMiB / 1769).toFixed(2)} vCPU; 1,769 MiB gives a whole one (and often costs the same, finishing sooner).`,
    );
  }
  return {
    input: resolved,
    profile: { name: profileName, recommended, fits },
    concurrency,
    settings,
    requests,
    quotas: checkQuotas({ concurrency, settings, requests, profile }),
    cost: monthlyCost({ input: resolved, concurrency, settings, requests }),
    warnings,
  };
}

/** The concurrency ceiling `profile` gives `kind`: resolved as the stack resolves its row. */
function ceilingOf(profile: ProfileName, kind: JobKind): number {
  return resolveJobSettings({ kind, ...PROFILES[profile].jobs[kind] }).maxConcurrency;
}

/** Jobs one invocation runs when batches are full (under load, the backlog fills them). */
function jobsPerFullInvocation(profile: ProfileName, kind: JobKind): number {
  return kind === 'cpu' ? 1 : PROFILES[profile].jobs[kind].batchSize;
}

/**
 * Whether `profile`'s own concurrency carries the load: its invocations with full batches hold
 * the jobs in flight, with headroom. (Below that, batches are smaller and more invocations
 * start, up to the profile's cap; once all are busy the backlog fills the batches.)
 */
function carries(profile: ProfileName, kind: JobKind, c: Concurrency): boolean {
  const capacity = ceilingOf(profile, kind) * jobsPerFullInvocation(profile, kind);
  return c.jobsInFlight * c.headroom <= capacity;
}

function checkInput(input: PlanInput): void {
  const bad: string[] = [];
  const positive = (name: string, value: number | undefined, optional = false) => {
    if (optional && value === undefined) return;
    if (value === undefined || !Number.isFinite(value) || value <= 0)
      bad.push(`${name} must be a positive number`);
  };
  positive('ratePerMinute', input.ratePerMinute);
  positive('durationSeconds', input.durationSeconds);
  positive('memoryMiB', input.memoryMiB, true);
  if (input.memoryMiB !== undefined && !(input.memoryMiB >= 128 && input.memoryMiB <= 10_240)) {
    bad.push('memoryMiB must be in 128..10240');
  }
  if (!Number.isFinite(input.payloadBytes) || input.payloadBytes < 0) bad.push('payloadBytes must be >= 0');
  if (input.resultBytes !== undefined && (!Number.isFinite(input.resultBytes) || input.resultBytes < 0)) {
    bad.push('resultBytes must be >= 0');
  }
  if (input.pollsPerJob !== undefined && (!Number.isInteger(input.pollsPerJob) || input.pollsPerJob < 0)) {
    bad.push('pollsPerJob must be an integer >= 0');
  }
  if (bad.length > 0) throw new RangeError(bad.join('; '));
}
