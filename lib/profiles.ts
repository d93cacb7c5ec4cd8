/**
 * Scale profiles: the settings a stage gets from `-c profile=small|medium|large`, as data.
 *
 * A profile sets what depends on the traffic a stage must carry: the event-source scaling of
 * every job type (one row per job kind, because an I/O-bound and a CPU-bound job need different
 * shapes at the same rate), API Gateway stage throttling, alarm thresholds, how long finished
 * jobs are kept, and the Lambda concurrency quota it assumes. It never sets memory or timeouts:
 * those depend on what a job does (its kind and its file), not on how many there are.
 *
 * Precedence, lowest first (see "Scale profiles" in docs/configuration.md):
 * built-in defaults < job kind defaults < the profile's row for the job's kind < the job file's
 * settings < `asyncEndpoints.jobTypes.<name>` in cdk.json. Stage fields: profile < cdk.json.
 */
import type { JobKind, JobSettings, PollerRange } from '../lambdas/core/job-settings';
import type { TableShards } from '../lambdas/table-schema';

/** The profile names, smallest first. */
export const PROFILE_NAMES = ['small', 'medium', 'large'] as const;

/** A scale profile's name. */
export type ProfileName = (typeof PROFILE_NAMES)[number];

/**
 * The profile a stage gets when none is named: `small`, whose settings are exactly the stack's
 * defaults before profiles existed, so an existing stage synthesizes the same template.
 */
export const DEFAULT_PROFILE: ProfileName = 'small';

/** Alarm thresholds, read by the monitoring construct. */
export interface AlarmThresholds {
  /**
   * Alarm when a job type's dead-letter queue holds at least this many messages (visible,
   * 1-minute maximum). Every dead letter is a job that failed for good.
   */
  readonly deadLetterMessages: number;
  /**
   * Alarm when API Gateway answers more than this many 5XX in 5 minutes (stage-wide). A 5xx is
   * never the client's fault here (bad input is a 4xx), so a quiet stage alarms on the first;
   * a busy one tolerates the odd transient one.
   */
  readonly api5xxErrors: number;
  /**
   * Alarm when a processor has more than this many invocation errors in 5 minutes. Job
   * failures are not Lambda errors (they are recorded and acknowledged), so this counts
   * crashes, timeouts and infrastructure failures.
   */
  readonly processorErrors: number;
  /**
   * Alarm when a processor is throttled at least this many times in 5 minutes. With reserved
   * concurrency >= the event source's maximum this should not happen: it points to a quota or
   * configuration problem, and throttled messages age toward the DLQ.
   */
  readonly processorThrottles: number;
}

/**
 * Event-source scaling of one job kind in a profile: standard mode (`maxConcurrency`) or
 * provisioned mode (`provisionedPollers`, ceiling `maximum x 10`). `reservedConcurrency` is not
 * set: it follows the ceiling (the smallest value that cannot throttle the event source),
 * unless the job file or cdk.json sets it.
 */
export type ProfileJobSettings = Pick<JobSettings, 'batchSize' | 'maxBatchingWindowSeconds'> &
  (
    | { readonly maxConcurrency: number; readonly provisionedPollers?: never }
    | { readonly provisionedPollers: PollerRange; readonly maxConcurrency?: never }
  );

/** One scale profile. */
export interface ScaleProfile {
  /** What traffic it is for. */
  readonly description: string;
  /** The seed analysis' tier it answers, jobs per minute per job type. */
  readonly jobsPerMinute: { readonly from: number; readonly upTo?: number };
  /** Event-source scaling per job kind. */
  readonly jobs: Readonly<Record<JobKind, ProfileJobSettings>>;
  /** REST API stage throttling, requests per second and burst. */
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Alarm thresholds. */
  readonly alarms: AlarmThresholds;
  /** Days a finished job stays readable (storage grows with rate x retention). */
  readonly retentionDays: number;
  /**
   * Shards of the job table's index keys (`lambdas/table-schema.ts`): one shard takes ~1,000
   * WRU/s; per job `Active` takes 4 WRU and `ByOwner` 1. More shards cost only queries (the
   * sweeper's per run, a listing's per page).
   */
  readonly table: TableShards;
  /**
   * The Lambda concurrency quota (`Concurrent executions`, Service Quotas code L-B99A9384)
   * this profile assumes in the target Region; `accountConcurrency` defaults to it, and the
   * reserved concurrency of all processors must leave 100 of it unreserved. Only an assumption:
   * once `npx async-endpoints preflight` has recorded the account's real quota in
   * cdk.context.json, synth checks against that instead (`config-reservations.ts`).
   */
  readonly accountConcurrency: number;
  /** What the account must have for this profile, in words (shown in errors and the README). */
  readonly assumes: string;
}

/** The `large` profile's pollers per lane: the least always on, standard mode's ceiling at most. */
const LARGE_POLLERS: PollerRange = { minimum: 2, maximum: 100 };

/**
 * The profiles. Throughput of one job type at the profile's ceiling, for I/O-bound jobs whose
 * records run in parallel within a batch: `ceiling x batchSize / job seconds` jobs per second;
 * for CPU-bound jobs (one per invocation): `ceiling / job seconds`, where the ceiling is
 * `maxConcurrency`, or `provisionedPollers.maximum x 10`.
 */
export const PROFILES: Readonly<Record<ProfileName, ScaleProfile>> = {
  small: {
    description: 'Up to 100 jobs/min per job type: development stages and light production.',
    jobsPerMinute: { from: 0, upTo: 100 },
    jobs: {
      // 5 x 10 = 50 jobs in flight: 100 jobs/min of 30 s I/O jobs.
      io: { maxConcurrency: 5, batchSize: 10, maxBatchingWindowSeconds: 0 },
      cpu: { maxConcurrency: 2, batchSize: 1, maxBatchingWindowSeconds: 0 },
    },
    apiThrottle: { rateLimit: 500, burstLimit: 1000 },
    // Few requests: every 5xx and every crash is worth a look.
    alarms: {
      deadLetterMessages: 1,
      api5xxErrors: 0,
      processorErrors: 0,
      processorThrottles: 1,
    },
    retentionDays: 30,
    // 16 Active shards: the count before it was configurable (an existing stage's unfinished jobs
    // stay reachable); one owner shard (~20,000 jobs/min from one caller).
    table: { activeShards: 16, ownerShards: 1 },
    accountConcurrency: 1000,
    assumes: 'the default Lambda concurrency quota of 1,000 (new accounts may have less: check it)',
  },
  medium: {
    description: '100 to 1,000 jobs/min per job type.',
    jobsPerMinute: { from: 100, upTo: 1000 },
    jobs: {
      // 50 x 10 = 500 jobs in flight: 1,000 jobs/min of 30 s I/O jobs. A 1 s window fills
      // batches when traffic is thin (fewer, fuller invocations) for at most 1 s of latency.
      io: { maxConcurrency: 50, batchSize: 10, maxBatchingWindowSeconds: 1 },
      cpu: { maxConcurrency: 20, batchSize: 1, maxBatchingWindowSeconds: 0 },
    },
    apiThrottle: { rateLimit: 1000, burstLimit: 2000 },
    alarms: {
      deadLetterMessages: 1,
      api5xxErrors: 5,
      processorErrors: 5,
      processorThrottles: 1,
    },
    retentionDays: 14,
    table: { activeShards: 16, ownerShards: 2 },
    accountConcurrency: 1000,
    assumes: 'the default Lambda concurrency quota of 1,000',
  },
  large: {
    description: '1,000+ jobs/min per job type; one job type carries 300,000 jobs/min of 2 s I/O jobs.',
    jobsPerMinute: { from: 1000 },
    jobs: {
      // Provisioned mode: 2 pollers always on (the least Lambda allows, an always-on cost) and
      // up to 100 (x 10 = 1,000 concurrent invocations, standard mode's ceiling, so reserved
      // concurrency and the account quota stay as they were): 10,000 I/O jobs in flight. It
      // buys a 1,000-a-minute scale-up (standard: 300) and a warm floor; past 1,000, raise
      // provisionedPollers.maximum per job type (up to 2,000 pollers; see the planner).
      io: { provisionedPollers: LARGE_POLLERS, batchSize: 10, maxBatchingWindowSeconds: 1 },
      cpu: { provisionedPollers: LARGE_POLLERS, batchSize: 1, maxBatchingWindowSeconds: 0 },
    },
    // The account-wide API Gateway default (10,000 RPS, burst 5,000): raise both with a quota
    // increase, then set apiThrottle above them.
    apiThrottle: { rateLimit: 10_000, burstLimit: 5000 },
    // Many requests: percentages are meaningful and a few dead letters are expected noise.
    alarms: {
      deadLetterMessages: 10,
      api5xxErrors: 50,
      processorErrors: 20,
      processorThrottles: 10,
    },
    // At 100,000 jobs/min every retained day is 144 million records: keep three days.
    retentionDays: 3,
    // 100,000 jobs/min from one caller, with the planner's 1.5x headroom: Active 10,000 WRU/s of
    // 32,000 (it carries ~320,000 jobs/min), ByOwner 2,500 of 16,000 (~640,000 jobs/min).
    table: { activeShards: 32, ownerShards: 16 },
    accountConcurrency: 10_000,
    assumes:
      'a Lambda concurrency quota of at least 10,000 in the Region (request an increase of "Concurrent executions", L-B99A9384, before deploying; the default is 1,000)',
  },
};

/** Whether `name` names a profile. */
export function isProfileName(name: unknown): name is ProfileName {
  return typeof name === 'string' && (PROFILE_NAMES as readonly string[]).includes(name);
}
