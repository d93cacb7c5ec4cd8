/**
 * Typed stage config, read once from the cdk.json context key `asyncEndpoints` and checked at
 * synth time. Every violation is collected and reported together in one {@link ConfigError}.
 */
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { JobCatalog } from '../lambdas/core/catalog';
import {
  JOB_KINDS,
  type JobKind,
  type JobSettings,
  layerSettings,
  resolveJobSettings,
} from '../lambdas/core/job-settings';
import type { JobType } from '../lambdas/core/job-type';
import { jobTypes as catalogJobTypes } from '../lambdas/jobs/catalog';
import { decideApiGatewayAccount } from './config-api-gateway-account';
import { CONFIG_DEFAULTS, LIMITS } from './config-defaults';
import { CONTEXT_KEY, ConfigError } from './config-error';
import { describe, isPlainObject, Problems, parseScalar } from './config-problems';
import {
  type ConcurrencyBasis,
  checkAccountConcurrency,
  checkReservationOverrides,
  type ReservationMode,
  readReservationMode,
} from './config-reservations';
import {
  type ApiKeysConfig,
  type ApiKeysInput,
  profileLayer,
  readAlarms,
  readApiKeys,
  readProfile,
} from './config-scale';
import { readTable, type TableConfig, type TableInput } from './config-table';
import {
  checkJobType,
  checkQueueNames,
  defaultMaxMessageAgeSeconds,
  defaultVisibilityTimeoutSeconds,
  JOB_QUEUE_RETENTION_SECONDS,
  type JobTypeConfig,
  worstCaseMessageLifetimeSeconds,
} from './job-type-checks';
import { POLLER_KEYS, readPollerRange } from './lane-checks';
import { selectPreflightRecord } from './preflight-record';
import type { AlarmThresholds, ProfileName } from './profiles';

export type {
  AlarmThresholds,
  ApiKeysConfig,
  ApiKeysInput,
  ConcurrencyBasis,
  JobTypeConfig,
  ProfileName,
  ReservationMode,
  TableInput,
};
export {
  CONTEXT_KEY,
  ConfigError,
  defaultMaxMessageAgeSeconds,
  defaultVisibilityTimeoutSeconds,
  JOB_QUEUE_RETENTION_SECONDS,
  worstCaseMessageLifetimeSeconds,
};

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

const JOB_SETTINGS_KEYS: Readonly<Record<keyof JobSettings, true>> = {
  kind: true,
  timeoutSeconds: true,
  memoryMiB: true,
  batchSize: true,
  maxBatchingWindowSeconds: true,
  maxConcurrency: true,
  reservedConcurrency: true,
  maxRetries: true,
  backoffBaseSeconds: true,
  backoffMaxSeconds: true,
  maxReceiveCount: true,
  pollIntervalSeconds: true,
  highPriorityMaxConcurrency: true,
  maxBacklog: true,
  provisionedPollers: true,
  highPriorityProvisionedPollers: true,
};
const INFRA_JOB_KEYS = ['visibilityTimeoutSeconds', 'maxMessageAgeSeconds'] as const;
const TOP_LEVEL_KEYS = [
  'profile',
  'stackName',
  'maxBodyBytes',
  'compressAboveBytes',
  'retentionDays',
  'logRetentionDays',
  'removalPolicy',
  'apiThrottle',
  'alarms',
  'apiKeys',
  'accountConcurrency',
  'reservedConcurrency',
  'alarmEmail',
  'manageApiGatewayAccount',
  'apiStageName',
  'sweeper',
  'table',
  'jobTypes',
] as const;
/** Fields that may also be set one by one with `-c asyncEndpoints.<field>=<value>`. */
const OBJECT_KEYS: readonly string[] = ['apiThrottle', 'alarms', 'apiKeys', 'jobTypes', 'sweeper', 'table'];
const SCALAR_KEYS = TOP_LEVEL_KEYS.filter((k) => !OBJECT_KEYS.includes(k));
/** Top-level context key naming the scale profile: `cdk synth -c profile=large`. */
export const PROFILE_CONTEXT_KEY = 'profile';

const ALLOWED_LOG_RETENTION = Object.values(logs.RetentionDays).filter(
  (v): v is number => typeof v === 'number',
);

/**
 * Reads the stage config from the context of `scope`'s app and validates it, checking
 * reservations against the preflight record for the account and Region in `env` (see
 * `selectPreflightRecord`).
 *
 * @param env where `CDK_DEFAULT_ACCOUNT` and `CDK_DEFAULT_REGION` are read
 * @throws ConfigError listing every violation
 * @example
 * const app = new App();
 * const config = loadConfig(app);
 * new AsyncEndpointsStack(app, config.stackName, { config });
 */
export function loadConfig(
  scope: Construct,
  env: Readonly<Record<string, string | undefined>> = process.env,
): StageConfig {
  const input = readStageInput((key) => scope.node.tryGetContext(key));
  return resolveConfig(input, catalogJobTypes, selectPreflightRecord(scope.node.getAllContext(), env));
}

/**
 * The raw stage config from context values: the object under `asyncEndpoints` (a JSON string
 * also works, for `-c`), then individual string overrides `-c asyncEndpoints.<field>=<value>`
 * for the scalar fields, then the top-level `profile` key (`-c profile=large`).
 *
 * @param get reads one context key
 * @throws ConfigError when `asyncEndpoints` is an unparsable string
 */
export function readStageInput(get: (key: string) => unknown): unknown {
  let raw: unknown = get(CONTEXT_KEY);
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch {
      throw new ConfigError([
        `${CONTEXT_KEY} must be an object (or a JSON object string), got an unparsable string`,
      ]);
    }
  }
  const overrides: Record<string, unknown> = {};
  for (const key of SCALAR_KEYS) {
    const value: unknown = get(`${CONTEXT_KEY}.${key}`);
    if (value !== undefined) overrides[key] = typeof value === 'string' ? parseScalar(value) : value;
  }
  const profile: unknown = get(PROFILE_CONTEXT_KEY);
  if (profile !== undefined) overrides.profile = profile;
  if (Object.keys(overrides).length > 0 && (raw === undefined || isPlainObject(raw))) {
    raw = { ...(raw ?? {}), ...overrides };
  }
  return raw;
}

/**
 * Validates a raw stage config and fills the defaults.
 *
 * @param input the value of the `asyncEndpoints` context key (`undefined` = all defaults)
 * @param definitions the job types to provision (the catalog of `lambdas/jobs/catalog.ts`)
 * @param concurrency what reservations are checked against
 * @default concurrency - no preflight record: the profile's assumed `accountConcurrency`
 * @throws ConfigError listing every violation
 */
export function resolveConfig(
  input: unknown,
  definitions: readonly JobType[] = catalogJobTypes,
  concurrency: ConcurrencyBasis = { kind: 'none', reason: 'no record given' },
): StageConfig {
  const p = new Problems();
  const raw = input ?? {};
  if (!isPlainObject(raw)) throw new ConfigError([`${CONTEXT_KEY} must be an object, got ${describe(raw)}`]);
  p.unknownKeys(raw, TOP_LEVEL_KEYS, CONTEXT_KEY);
  const { name: profileName, profile } = readProfile(p, raw);

  const stackName = p.str(raw, 'stackName', CONFIG_DEFAULTS.stackName);
  // No `_`: the queue names use it to separate the stack name from the job name.
  const stackNameValid = /^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(stackName);
  if (!stackNameValid) {
    p.add(
      `stackName must start with a letter and hold only letters, digits and dashes (max 128), got '${stackName}'`,
    );
  }
  const maxBodyBytes = p.num(raw, 'maxBodyBytes', CONFIG_DEFAULTS.maxBodyBytes, {
    integer: true,
    min: 1,
    max: LIMITS.maxBodyBytes,
    why: "so the body fits Lambda's 6 MB invocation payload even when escaping doubles it",
  });
  const compressAboveBytes = p.num(raw, 'compressAboveBytes', CONFIG_DEFAULTS.compressAboveBytes, {
    integer: true,
    min: 0,
    max: LIMITS.maxCompressAboveBytes,
    why: '(the most a job item keeps inline)',
  });
  const retentionDays = p.num(raw, 'retentionDays', profile.retentionDays, { integer: true, min: 1 });
  const logRetentionDays = p.num(raw, 'logRetentionDays', CONFIG_DEFAULTS.logRetentionDays, {
    integer: true,
  });
  if (!ALLOWED_LOG_RETENTION.includes(logRetentionDays)) {
    p.add(`logRetentionDays must be one of ${ALLOWED_LOG_RETENTION.join(', ')}, got ${logRetentionDays}`);
  }
  const removalPolicy = p.str(raw, 'removalPolicy', CONFIG_DEFAULTS.removalPolicy);
  if (removalPolicy !== 'retain' && removalPolicy !== 'destroy') {
    p.add(`removalPolicy must be 'retain' or 'destroy', got '${removalPolicy}'`);
  }
  const accountConcurrency = p.num(raw, 'accountConcurrency', profile.accountConcurrency, {
    integer: true,
    min: LIMITS.unreservedAccountConcurrency,
  });
  const reservedConcurrency = readReservationMode(p, raw);
  const alarmEmail = raw.alarmEmail === undefined ? undefined : p.str(raw, 'alarmEmail', '');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    p.add(`alarmEmail must be an email address, got '${alarmEmail}'`);
  }
  // Unset: decided from the preflight record below (config-api-gateway-account.ts).
  const manageApiGatewayAccountSetting =
    raw.manageApiGatewayAccount === undefined ? undefined : p.bool(raw, 'manageApiGatewayAccount', false);
  const apiStageName = p.str(raw, 'apiStageName', CONFIG_DEFAULTS.apiStageName);
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(apiStageName)) {
    p.add(`apiStageName must hold only letters, digits, '-' and '_', got '${apiStageName}'`);
  }

  const throttleRaw = p.obj(raw, 'apiThrottle');
  p.unknownKeys(throttleRaw, ['rateLimit', 'burstLimit'], 'apiThrottle');
  const apiThrottle = {
    rateLimit: p.num(throttleRaw, 'rateLimit', profile.apiThrottle.rateLimit, {
      min: 1,
      at: 'apiThrottle',
    }),
    burstLimit: p.num(throttleRaw, 'burstLimit', profile.apiThrottle.burstLimit, {
      integer: true,
      min: 0,
      at: 'apiThrottle',
    }),
  };

  const alarms = readAlarms(p, raw, profile.alarms);
  const apiKeys = readApiKeys(p, raw, apiThrottle);

  const sweeperRaw = p.obj(raw, 'sweeper');
  p.unknownKeys(sweeperRaw, ['intervalMinutes', 'maxJobsPerRun'], 'sweeper');
  const sweeper = {
    intervalMinutes: p.num(sweeperRaw, 'intervalMinutes', CONFIG_DEFAULTS.sweeper.intervalMinutes, {
      integer: true,
      min: 1,
      at: 'sweeper',
    }),
    maxJobsPerRun: p.num(sweeperRaw, 'maxJobsPerRun', CONFIG_DEFAULTS.sweeper.maxJobsPerRun, {
      integer: true,
      min: 1,
      at: 'sweeper',
    }),
  };

  const table = readTable(p, raw, profile.table);

  // Per-job-type overrides: check names, keys and types here, ranges after resolution below.
  const knownNames = new Set(definitions.map((d) => d.name));
  const jobTypesRaw = p.obj(raw, 'jobTypes');
  const settingsOverrides: Record<string, Partial<Record<keyof JobSettings, unknown>>> = {};
  const infraOverrides: Record<string, Partial<Record<(typeof INFRA_JOB_KEYS)[number], number>>> = {};
  for (const [name, value] of Object.entries(jobTypesRaw)) {
    const at = `jobTypes.${name}`;
    if (!knownNames.has(name)) {
      p.add(`${at}: unknown job type '${name}' (known: ${[...knownNames].join(', ')})`);
      continue;
    }
    if (!isPlainObject(value)) {
      p.add(`${at} must be an object, got ${describe(value)}`);
      continue;
    }
    p.unknownKeys(value, [...Object.keys(JOB_SETTINGS_KEYS), ...INFRA_JOB_KEYS], at);
    const settings: Partial<Record<keyof JobSettings, unknown>> = {};
    const infra: Partial<Record<(typeof INFRA_JOB_KEYS)[number], number>> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === 'kind') {
        if ((JOB_KINDS as readonly unknown[]).includes(v)) settings.kind = v as JobKind;
        else p.add(`${at}.kind must be one of ${JOB_KINDS.join(', ')}, got ${describe(v)}`);
        continue;
      }
      if (POLLER_KEYS.includes(key)) {
        settings[key as keyof JobSettings] = readPollerRange(p, v, `${at}.${key}`);
        continue;
      }
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        if (key in JOB_SETTINGS_KEYS || (INFRA_JOB_KEYS as readonly string[]).includes(key)) {
          p.add(`${at}.${key} must be a number, got ${describe(v)}`);
        }
        continue;
      }
      if (key in JOB_SETTINGS_KEYS) settings[key as keyof JobSettings] = v;
      else if ((INFRA_JOB_KEYS as readonly string[]).includes(key)) infra[key as keyof typeof infra] = v;
    }
    if (Object.keys(settings).length > 0) settingsOverrides[name] = settings;
    infraOverrides[name] = infra;
  }
  checkReservationOverrides(p, reservedConcurrency, settingsOverrides);

  // Layers, lowest first: defaults < kind < profile row for the kind < job file < cdk.json.
  // JobCatalog lays `layered[name]` over the file's settings, so the file goes in again here.
  const layered: Record<string, Partial<JobSettings>> = {};
  for (const definition of definitions) {
    const own = settingsOverrides[definition.name] as Partial<JobSettings> | undefined;
    const kind = own?.kind ?? definition.settings?.kind ?? 'io';
    layered[definition.name] = layerSettings(profileLayer(profile, kind), definition.settings, own);
  }
  let catalog: JobCatalog | undefined;
  try {
    catalog = new JobCatalog(definitions, layered);
  } catch (error) {
    p.add((error as Error).message);
  }

  const jobs: JobTypeConfig[] = [];
  for (const name of catalog?.names ?? []) {
    const settings = (catalog as JobCatalog).get(name).settings;
    const infra = infraOverrides[name] ?? {};
    const job = {
      name,
      settings,
      visibilityTimeoutSeconds: infra.visibilityTimeoutSeconds ?? defaultVisibilityTimeoutSeconds(settings),
      maxMessageAgeSeconds: infra.maxMessageAgeSeconds ?? defaultMaxMessageAgeSeconds(settings),
      reservedConcurrentExecutions: reservedConcurrency === 'on' ? settings.reservedConcurrency : undefined,
    };
    checkJobType(p, job);
    // The queues are named after the stack (a bad stack name is already reported).
    if (stackNameValid) checkQueueNames(p, stackName, job);
    jobs.push(job);
  }

  const account = checkAccountConcurrency(p, {
    jobs,
    stackName,
    basis: concurrency,
    assumed: { accountConcurrency, from: `profile '${profileName}' assumes ${profile.assumes}` },
  });

  const apiGatewayAccount = decideApiGatewayAccount(manageApiGatewayAccountSetting, concurrency);

  p.throwIfAny();
  return {
    profile: profileName,
    stackName,
    maxBodyBytes,
    compressAboveBytes,
    retentionDays,
    logRetentionDays: logRetentionDays as logs.RetentionDays,
    removalPolicy: removalPolicy as RemovalPolicyName,
    apiThrottle,
    alarms,
    apiKeys,
    accountConcurrency: account.accountConcurrency,
    reservedConcurrency,
    ...(account.notice === undefined ? {} : { concurrencyNotice: account.notice }),
    ...(alarmEmail === undefined ? {} : { alarmEmail }),
    manageApiGatewayAccount: apiGatewayAccount.manage,
    ...(apiGatewayAccount.notice === undefined ? {} : { apiGatewayAccountNotice: apiGatewayAccount.notice }),
    apiStageName,
    sweeper,
    table,
    jobTypes: jobs,
    jobSettingsJson: JSON.stringify(runtimeOverrides(definitions, jobs)),
  };
}

/**
 * What the Lambdas must lay over each job file's settings to run with the settings the stack
 * provisioned: the fields where the resolved settings differ from what the runtime's own
 * resolution of the file (kind defaults included) gives. The profile's layer is in it, so the
 * functions never need to know the profile.
 */
function runtimeOverrides(
  definitions: readonly JobType[],
  jobs: readonly JobTypeConfig[],
): Record<string, Partial<JobSettings>> {
  const result: Record<string, Partial<JobSettings>> = {};
  for (const job of jobs) {
    const definition = definitions.find((d) => d.name === job.name);
    const runtime: JobSettings = resolveJobSettings(definition?.settings);
    const diff = Object.fromEntries(
      Object.entries(job.settings).filter(
        // Poller ranges are objects: compare them by value.
        ([key, value]) => JSON.stringify(runtime[key as keyof JobSettings]) !== JSON.stringify(value),
      ),
    );
    if (Object.keys(diff).length > 0) result[job.name] = diff;
  }
  return result;
}

/**
 * Job name -> seconds after its last update that a Queued or Scheduled job counts as lost (its
 * message may be gone) and the sweeper sends its message again: the job type's
 * `maxMessageAgeSeconds`, the longest a healthy message may wait, so a long but healthy backlog
 * is not duplicated.
 */
export function sweeperStaleAfterSeconds(config: Pick<StageConfig, 'jobTypes'>): Record<string, number> {
  return Object.fromEntries(config.jobTypes.map((job) => [job.name, job.maxMessageAgeSeconds]));
}
