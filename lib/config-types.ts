/**
 * The stage config's types: what cdk.json's `asyncEndpoints` may hold ({@link StageConfigInput},
 * every field optional and documented with its default) and what `loadConfig` returns once
 * validated ({@link StageConfig}, every default filled in). `config.ts` reads and checks it.
 */
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { JobSettings } from '../lambdas/core/job-settings';
import type { ReservationMode } from './config-reservations';
import type { ApiKeysConfig, ApiKeysInput } from './config-scale';
import type { TableConfig, TableInput } from './config-table';
import type { JobTypeConfig } from './job-type-checks';
import type { AlarmThresholds, ProfileName } from './profiles';

/** What happens to the job table and the log groups when the stack is deleted. */
export type RemovalPolicyName = 'retain' | 'destroy';

/** Stage-level throttling of the REST API. */
export interface ApiThrottleInput {
  /**
   * Steady-state requests per second for the whole stage.
   * @default 500
   */
  readonly rateLimit?: number;
  /**
   * Burst bucket size, requests.
   * @default 1000
   */
  readonly burstLimit?: number;
}

/** The recovery sweeper's schedule and bound. */
export interface SweeperInput {
  /**
   * Minutes between runs (EventBridge rate; the local mode's timer), an integer >= 1.
   * @default 5
   */
  readonly intervalMinutes?: number;
  /**
   * Most unfinished jobs one run examines (and at most repairs), an integer >= 1.
   * @default 500
   */
  readonly maxJobsPerRun?: number;
}

/**
 * Per-job-type overrides: any {@link JobSettings} field (applied over the job file's own
 * settings) plus fields only the infrastructure uses. Overriding `kind` also picks the profile's
 * row for that kind.
 */
export interface JobTypeOverrides extends Partial<JobSettings> {
  /**
   * Visibility timeout of the job queue, seconds (at least 6x the function timeout plus the
   * batching window, as Lambda recommends; at most 43200).
   * @default 6 * timeoutSeconds + maxBatchingWindowSeconds
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Alarm threshold on the age of the job queue's oldest message, seconds. The default is the
   * longest a healthy message can legitimately stay in the queue: every attempt taking its full
   * timeout (plus batching window) and every backoff at its cap, but never below 15 minutes.
   * @default max(900, (maxRetries + 1) * (timeoutSeconds + maxBatchingWindowSeconds) + sum of capped backoffs)
   */
  readonly maxMessageAgeSeconds?: number;
}

/** The stage config as written in cdk.json (every field optional). */
export interface StageConfigInput {
  /**
   * Scale profile (see `lib/profiles.ts`): sets the event-source scaling of every job type,
   * API throttling, alarm thresholds, retention and the assumed concurrency quota. The
   * top-level context key `profile` (`-c profile=large`) wins over this field.
   * @default 'small'
   */
  readonly profile?: ProfileName;
  /**
   * CloudFormation stack name; also the Powertools service name and the dashboard name.
   * @default 'AsyncEndpoints'
   */
  readonly stackName?: string;
  /**
   * Largest accepted request body, bytes; larger bodies get `413`. At most 3112960: the body
   * must fit Lambda's 6 MB invocation payload even when escaping doubles it inside the event.
   * @default 1048576
   */
  readonly maxBodyBytes?: number;
  /**
   * Inputs and results whose JSON is longer than this are stored gzip-compressed (between 0 and
   * 184320, the most the item keeps inline).
   * @default 8192
   */
  readonly compressAboveBytes?: number;
  /**
   * Days a finished job stays readable before its TTL expires.
   * @default the profile's: 30 (small), 14 (medium), 3 (large)
   */
  readonly retentionDays?: number;
  /**
   * Retention of every log group, days; one of the values `logs.RetentionDays` accepts.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Removal policy of the job table and the log groups; `retain` also turns on the table's
   * deletion protection.
   * @default 'retain'
   */
  readonly removalPolicy?: RemovalPolicyName;
  /**
   * REST API stage throttling; each field overrides the profile's.
   * @default the profile's: 500/1000 (small), 1000/2000 (medium), 10000/5000 (large)
   */
  readonly apiThrottle?: ApiThrottleInput;
  /**
   * Alarm thresholds; each field overrides the profile's.
   * @default the profile's `alarms`
   */
  readonly alarms?: Partial<AlarmThresholds>;
  /**
   * Optional API keys and usage plans (per-client rate limits and quotas) on the job routes.
   * @default { enabled: false }
   */
  readonly apiKeys?: ApiKeysInput;
  /**
   * The account's Lambda concurrency quota in the target Region, assumed when there is no
   * preflight record (`npx async-endpoints preflight`; a record replaces it): reserved
   * concurrency of all processors must leave 100 of it unreserved.
   * @default the profile's: 1000 (small, medium), 10000 (large: needs a quota increase)
   */
  readonly accountConcurrency?: number;
  /**
   * `'off'` deploys without reserved concurrency: no processor gets
   * `ReservedConcurrentExecutions`, each event source's `MaximumConcurrency` alone bounds its
   * job type (provisioned pollers are then refused). For accounts whose quota cannot hold the
   * reservations (new accounts often have 10).
   * @default 'on' (each job type reserves its `reservedConcurrency`)
   */
  readonly reservedConcurrency?: ReservationMode;
  /**
   * Email address subscribed to the alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Create an API Gateway CloudWatch role and make it the account's (`AWS::ApiGateway::Account`),
   * both retained when the stack is deleted. The setting is one per account and Region, and the
   * stage's access and execution logs need it (without one the stage's deploy fails: "CloudWatch
   * Logs role ARN must be set in account settings to enable logging"). Unset, the stage manages
   * it unless its preflight record shows the Region already has a role (then it leaves it alone,
   * so stages never take turns re-pointing it); see `config-api-gateway-account.ts`.
   * @default - from the preflight record: false when the Region has a role, true otherwise
   */
  readonly manageApiGatewayAccount?: boolean;
  /**
   * REST API stage name.
   * @default 'prod'
   */
  readonly apiStageName?: string;
  /**
   * The recovery sweeper.
   * @default { intervalMinutes: 5, maxJobsPerRun: 500 }
   */
  readonly sweeper?: SweeperInput;
  /**
   * Shard counts of the job table's indexes (each field overrides the profile's), and the
   * table's optional warm throughput.
   * @default the profile's `table`, no warm throughput
   */
  readonly table?: TableInput;
  /**
   * Overrides per job type name (must name a job type of `lambdas/jobs/catalog.ts`).
   * @default {}
   */
  readonly jobTypes?: Readonly<Record<string, JobTypeOverrides>>;
}

/** The validated stage config with every default filled in. */
export interface StageConfig {
  /** The scale profile the defaults came from. */
  readonly profile: ProfileName;
  readonly stackName: string;
  readonly maxBodyBytes: number;
  readonly compressAboveBytes: number;
  readonly retentionDays: number;
  readonly logRetentionDays: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicyName;
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** Alarm thresholds: the profile's, with the stage's overrides. */
  readonly alarms: AlarmThresholds;
  /** API keys and usage plans; `clients` is empty when not enabled. */
  readonly apiKeys: ApiKeysConfig;
  /** The Lambda quota reservations were checked against: the preflight record's, else the assumption. */
  readonly accountConcurrency: number;
  /** Whether processors reserve concurrency. */
  readonly reservedConcurrency: ReservationMode;
  /** What the reservation check was based on, for the synth output (one info annotation). */
  readonly concurrencyNotice?: string;
  /** Why the stage leaves the Region's API Gateway CloudWatch role alone, when a preflight record decided it. */
  readonly apiGatewayAccountNotice?: string;
  readonly alarmEmail?: string;
  readonly manageApiGatewayAccount: boolean;
  readonly apiStageName: string;
  readonly sweeper: { readonly intervalMinutes: number; readonly maxJobsPerRun: number };
  /** Shard counts of the job table's indexes (every function gets them) and its warm throughput. */
  readonly table: TableConfig;
  /** In catalog order. */
  readonly jobTypes: readonly JobTypeConfig[];
  /**
   * JSON object: job name -> the {@link JobSettings} overrides from the context (infra-only
   * fields dropped), `{}` when none. Every function gets the same string.
   */
  readonly jobSettingsJson: string;
}
