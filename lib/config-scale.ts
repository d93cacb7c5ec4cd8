/**
 * The scale parts of the stage config: the profile, alarm thresholds and API keys, read and
 * checked for `config.ts` with the same violation collector.
 */
import type { JobSettings } from '../lambdas/core/job-settings';
import { describe, isPlainObject, type Problems } from './config-problems';
import {
  type AlarmThresholds,
  DEFAULT_PROFILE,
  isProfileName,
  PROFILE_NAMES,
  PROFILES,
  type ProfileName,
  type ScaleProfile,
} from './profiles';

/** One API client with its own key and usage plan. */
export interface ApiClientInput {
  /** Names the key and the usage plan: letters, digits and dashes, unique, 1-64 characters. */
  readonly name: string;
  /** Steady-state requests per second for this client's key (at most the stage's `rateLimit`). */
  readonly rateLimit: number;
  /** Burst size for this client's key (at most the stage's `burstLimit`). */
  readonly burstLimit: number;
  /**
   * Requests per day for this client's key; `429` once it is spent, until the next UTC day.
   * @default - no quota
   */
  readonly quotaPerDay?: number;
}

/** Optional API keys and usage plans, for per-client rate limits and quotas. */
export interface ApiKeysInput {
  /**
   * Require an API key (`x-api-key` header) on the job routes, in addition to IAM.
   * @default false
   */
  readonly enabled?: boolean;
  /**
   * One API key and one usage plan per client (a client can be a tier shared by several
   * callers). The stack creates the keys; their values never appear in outputs or logs: read
   * one with `aws apigateway get-api-key --api-key <id> --include-value`.
   * @default []
   */
  readonly clients?: readonly ApiClientInput[];
}

/** The resolved API keys setting. */
export interface ApiKeysConfig {
  readonly enabled: boolean;
  /** Empty when not enabled. */
  readonly clients: readonly {
    readonly name: string;
    readonly rateLimit: number;
    readonly burstLimit: number;
    readonly quotaPerDay?: number;
  }[];
}

const ALARM_KEYS: readonly (keyof AlarmThresholds)[] = [
  'deadLetterMessages',
  'api5xxErrors',
  'processorErrors',
  'processorThrottles',
];

/** The profile named by `raw.profile` (or the default), and its name. */
export function readProfile(
  p: Problems,
  raw: Record<string, unknown>,
): { name: ProfileName; profile: ScaleProfile } {
  const name = raw.profile ?? DEFAULT_PROFILE;
  if (!isProfileName(name)) {
    p.add(`profile must be one of ${PROFILE_NAMES.join(', ')}, got ${describe(name)}`);
    return { name: DEFAULT_PROFILE, profile: PROFILES[DEFAULT_PROFILE] };
  }
  return { name, profile: PROFILES[name] };
}

/** `alarms`: the profile's thresholds with the stage's overrides laid over them. */
export function readAlarms(
  p: Problems,
  raw: Record<string, unknown>,
  defaults: AlarmThresholds,
): AlarmThresholds {
  const alarmsRaw = p.obj(raw, 'alarms');
  p.unknownKeys(alarmsRaw, ALARM_KEYS, 'alarms');
  const rule = { min: 0, at: 'alarms' };
  return {
    deadLetterMessages: p.num(alarmsRaw, 'deadLetterMessages', defaults.deadLetterMessages, {
      ...rule,
      integer: true,
      min: 1,
    }),
    api5xxErrors: p.num(alarmsRaw, 'api5xxErrors', defaults.api5xxErrors, { ...rule, integer: true }),
    processorErrors: p.num(alarmsRaw, 'processorErrors', defaults.processorErrors, {
      ...rule,
      integer: true,
    }),
    processorThrottles: p.num(alarmsRaw, 'processorThrottles', defaults.processorThrottles, {
      ...rule,
      integer: true,
      min: 1,
    }),
  };
}

/** `apiKeys`, checked against the stage throttle (a plan above it would never apply). */
export function readApiKeys(
  p: Problems,
  raw: Record<string, unknown>,
  stageThrottle: { readonly rateLimit: number; readonly burstLimit: number },
): ApiKeysConfig {
  const keysRaw = p.obj(raw, 'apiKeys');
  p.unknownKeys(keysRaw, ['enabled', 'clients'], 'apiKeys');
  const enabled = p.bool(keysRaw, 'enabled', false);
  const clientsRaw = keysRaw.clients ?? [];
  if (!Array.isArray(clientsRaw)) {
    p.add(`apiKeys.clients must be an array, got ${describe(clientsRaw)}`);
    return { enabled, clients: [] };
  }
  if (enabled && clientsRaw.length === 0) {
    p.add(
      'apiKeys.clients must list at least one client when apiKeys.enabled is true (else no key could call)',
    );
  }
  const seen = new Set<string>();
  const clients: ApiKeysConfig['clients'][number][] = [];
  clientsRaw.forEach((client: unknown, i) => {
    const at = `apiKeys.clients[${i}]`;
    if (!isPlainObject(client)) {
      p.add(`${at} must be an object, got ${describe(client)}`);
      return;
    }
    p.unknownKeys(client, ['name', 'rateLimit', 'burstLimit', 'quotaPerDay'], at);
    const name = p.str(client, 'name', '');
    if (!/^[A-Za-z0-9-]{1,64}$/.test(name)) {
      p.add(`${at}.name must be 1-64 letters, digits or dashes, got '${name}'`);
    } else if (seen.has(name)) {
      p.add(`${at}.name '${name}' is used twice`);
    }
    seen.add(name);
    const required = (key: 'rateLimit' | 'burstLimit') => {
      if (client[key] === undefined) p.add(`${at}.${key} is required`);
    };
    required('rateLimit');
    required('burstLimit');
    const rateLimit = p.num(client, 'rateLimit', 1, { min: 1, max: stageThrottle.rateLimit, at });
    const burstLimit = p.num(client, 'burstLimit', 1, {
      integer: true,
      min: 1,
      max: stageThrottle.burstLimit,
      at,
      why: "(a client's limits above the stage's are never reached)",
    });
    const quotaPerDay =
      client.quotaPerDay === undefined
        ? undefined
        : p.num(client, 'quotaPerDay', 1, { integer: true, min: 1, at });
    clients.push({ name, rateLimit, burstLimit, ...(quotaPerDay === undefined ? {} : { quotaPerDay }) });
  });
  return { enabled, clients: enabled ? clients : [] };
}

/**
 * The layer a profile adds to a job type's settings: its row for the job's kind. The kind is
 * the one cdk.json gives, else the job file's, else `io`.
 */
export function profileLayer(profile: ScaleProfile, kind: JobSettings['kind']): Partial<JobSettings> {
  return { kind, ...profile.jobs[kind] };
}
