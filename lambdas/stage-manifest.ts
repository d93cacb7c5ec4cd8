/**
 * The per-job-type data a function needs (settings overrides, poll intervals, lanes, stale-after
 * seconds), baked into its bundle at synth instead of its environment: Lambda caps a function's
 * environment at 4 KB, and maps keyed by job type would break deploys at about 15 job types.
 *
 * The stack gives each function's bundle only the fields it reads, through esbuild's `define`
 * on {@link STAGE_MANIFEST_IDENTIFIER} (NodejsFunction `bundling.define`); a config change
 * therefore changes the bundle, which is a code deploy. Run unbundled (tsx, vitest, the bench),
 * the identifier is undefined and the manifest comes from `STAGE_MANIFEST` (JSON) instead.
 */
import type { JobSettings } from './core/job-settings';
import type { StageLanes } from './queue-names';
import type { EnvReader } from './runtime-config';
import { Env } from './runtime-env';

/** The global identifier esbuild replaces with a function's manifest (JSON) at bundling. */
export const STAGE_MANIFEST_IDENTIFIER = '__ASYNC_ENDPOINTS_STAGE_MANIFEST__';
declare const __ASYNC_ENDPOINTS_STAGE_MANIFEST__: unknown;

/** What one function knows of the stage's job types; each function gets only its fields. */
export interface StageManifest {
  /**
   * Job name -> the {@link JobSettings} overrides the Lambdas lay over the job file's (submit:
   * every job type with any; a processor: its own).
   */
  readonly settings?: Readonly<Record<string, Partial<JobSettings>>>;
  /** Job name -> resolved `pollIntervalSeconds`, for `Retry-After` (get-job, retry-job). */
  readonly pollIntervals?: Readonly<Record<string, number>>;
  /** Every job type and whether it has a high-priority lane (retry-job, redrive, sweeper). */
  readonly lanes?: StageLanes;
  /** Job name -> seconds after which a waiting job's message counts as lost (sweeper). */
  readonly staleAfterSeconds?: Readonly<Record<string, number>>;
}

const isPositiveNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What each field maps a job name to. */
const FIELD_VALUES: { readonly [K in keyof StageManifest]-?: readonly [(v: unknown) => boolean, string] } = {
  settings: [isObject, 'an object'],
  pollIntervals: [isPositiveNumber, 'a positive number'],
  lanes: [(v) => typeof v === 'boolean', 'a boolean'],
  staleAfterSeconds: [isPositiveNumber, 'a positive number'],
};

/**
 * The manifest baked into this bundle, or undefined when the code runs unbundled. esbuild
 * replaces the identifier (under `typeof` too) with the JSON the stack gave; unbundled it is an
 * undeclared global, and `typeof` of one is `'undefined'` rather than a ReferenceError.
 */
export function bakedStageManifest(): unknown {
  return typeof __ASYNC_ENDPOINTS_STAGE_MANIFEST__ === 'undefined'
    ? undefined
    : __ASYNC_ENDPOINTS_STAGE_MANIFEST__;
}

/**
 * The `fields` of this function's manifest: the baked one, else `STAGE_MANIFEST`. Every missing
 * or malformed field is reported to `env`, so `env.done()` names them with the environment's
 * problems; a missing field reads as `{}`.
 *
 * @param baked the baked manifest; tests pass one, the entries leave the default
 *   ({@link bakedStageManifest})
 */
export function readStageManifest<K extends keyof StageManifest>(
  env: EnvReader,
  fields: readonly K[],
  baked: unknown = bakedStageManifest(),
): { [F in K]-?: NonNullable<StageManifest[F]> } {
  const from = baked === undefined ? Env.StageManifest : 'the stage manifest baked into this bundle';
  const manifest = baked === undefined ? manifestFromEnv(env) : baked;
  const result: Record<string, unknown> = {};
  for (const field of fields) {
    const value = isObject(manifest) ? manifest[field] : undefined;
    const [valid, what] = FIELD_VALUES[field];
    const bad = isObject(value) ? Object.keys(value).filter((name) => !valid(value[name])) : [];
    if (!isObject(value)) {
      if (manifest !== undefined) env.problem(`${from} lacks '${field}' (an object by job name)`);
    } else if (bad.length > 0) {
      env.problem(`${from}: '${field}' of ${bad.map((n) => `'${n}'`).join(', ')} must be ${what}`);
    }
    result[field] = isObject(value) ? value : {};
  }
  return result as { [F in K]-?: NonNullable<StageManifest[F]> };
}

/** `STAGE_MANIFEST` parsed, or undefined (reported) when it is absent or not a JSON object. */
function manifestFromEnv(env: EnvReader): Record<string, unknown> | undefined {
  const raw = env.optionalString(Env.StageManifest);
  if (raw === undefined) {
    env.problem(`${Env.StageManifest} is not set, and no stage manifest was baked into this bundle`);
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(raw);
    if (isObject(value)) return value;
  } catch {
    // reported below
  }
  env.problem(`${Env.StageManifest} must be a JSON object`);
  return undefined;
}
