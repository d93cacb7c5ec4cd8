/**
 * Typed stage config, read once from the cdk.json context key `asyncEndpoints` and checked at
 * synth time. Every violation is collected and reported together in one {@link ConfigError}.
 */
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { JobCatalog } from '../lambdas/core/catalog';
import { JOB_KINDS, type JobKind, type JobSettings, layerSettings } from '../lambdas/core/job-settings';
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
import { runtimeOverrides } from './config-runtime';
import {
  type ApiKeysConfig,
  type ApiKeysInput,
  profileLayer,
  readAlarms,
  readApiKeys,
  readProfile,
} from './config-scale';
import { readTable, type TableInput } from './config-table';
import type { RemovalPolicyName, StageConfig } from './config-types';
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

export { sweeperStaleAfterSeconds } from './config-runtime';
export type {
  ApiThrottleInput,
  JobTypeOverrides,
  RemovalPolicyName,
  StageConfig,
  StageConfigInput,
  SweeperInput,
} from './config-types';
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
  cancelCheckSeconds: true,
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
