/**
 * The local mode's configuration: the same stage config the stack uses (cdk.json's
 * `asyncEndpoints`), with `asyncEndpointsLocal` from cdk.json and then the
 * `ASYNC_ENDPOINTS_LOCAL` environment variable (JSON) laid over it, validated by the same
 * `resolveConfig`. Local runs therefore provision the same queues, DLQs and settings as AWS,
 * with only what you choose to change (e.g. shorter backoffs).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { layerSettings } from '../lambdas/core/job-settings';
import { CONTEXT_KEY, resolveConfig, type StageConfig, type StageConfigInput } from '../lib/config';

/** cdk.json context key of the local overrides. */
export const LOCAL_CONTEXT_KEY = 'asyncEndpointsLocal';
/** Environment variable with more local overrides, as JSON. */
export const LOCAL_CONFIG_ENV = 'ASYNC_ENDPOINTS_LOCAL';

const PROJECT_ROOT = path.resolve(__dirname, '..');

type Input = Record<string, unknown>;

/**
 * Lays `over` on `base`; `jobTypes`, `apiThrottle` and `table` merge one level deeper. A job
 * type's local entry is a layer of its own: setting one of a lane's modes (`maxConcurrency`,
 * `provisionedPollers`, ...) drops the other mode from cdk.json's entry, as a higher layer does.
 */
export function mergeConfig(base: Input, over: Input): Input {
  const merged: Input = { ...base, ...over };
  for (const key of ['apiThrottle', 'jobTypes', 'table']) {
    const a = (base[key] ?? {}) as Input;
    const b = (over[key] ?? {}) as Input;
    if (key === 'jobTypes') {
      const names = new Set([...Object.keys(a), ...Object.keys(b)]);
      merged[key] = Object.fromEntries(
        [...names].map((name) => [name, definedOnly(layerSettings(a[name] as Input, b[name] as Input))]),
      );
    } else {
      merged[key] = { ...a, ...b };
    }
  }
  return merged;
}

function definedOnly(value: object): Input {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/**
 * @param extra overrides on top of everything else (tests use this)
 * @throws ConfigError naming every violation, as `cdk synth` would
 */
export function loadLocalConfig(extra: StageConfigInput = {}, env = process.env): StageConfig {
  const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Input;
  };
  const context = cdkJson.context ?? {};
  let fromEnv: Input = {};
  const raw = env[LOCAL_CONFIG_ENV];
  if (raw) {
    try {
      fromEnv = JSON.parse(raw) as Input;
    } catch {
      throw new Error(`${LOCAL_CONFIG_ENV} must be a JSON object, got: ${raw.slice(0, 80)}`);
    }
  }
  const layers = [context[CONTEXT_KEY], context[LOCAL_CONTEXT_KEY], fromEnv, extra] as (Input | undefined)[];
  return resolveConfig(layers.reduce<Input>((acc, layer) => mergeConfig(acc, layer ?? {}), {}));
}
