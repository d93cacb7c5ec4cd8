/**
 * Reads the functions' environment once, typed, failing fast with every problem named.
 */
import { Env, type EnvName } from './runtime-env';
import { MAX_TABLE_SHARDS, type TableShards } from './table-schema';

export class RuntimeConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid function configuration:\n- ${problems.join('\n- ')}`);
    this.name = 'RuntimeConfigError';
  }
}

type Source = Readonly<Record<string, string | undefined>>;

/** Collects problems while reading, so one error lists them all. */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly source: Source = process.env) {}

  string(name: EnvName): string {
    const value = this.source[name];
    if (value === undefined || value === '') this.problems.push(`${name} is not set`);
    return value ?? '';
  }

  /** A variable that may be absent (or empty): undefined then. */
  optionalString(name: EnvName): string | undefined {
    const value = this.source[name];
    return value === undefined || value === '' ? undefined : value;
  }

  positiveNumber(name: EnvName, fallback?: number): number {
    const raw = this.source[name];
    if ((raw === undefined || raw === '') && fallback !== undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      this.problems.push(`${name} must be a positive number, got '${raw}'`);
    return value;
  }

  /** An integer in `min..max`. */
  integer(name: EnvName, min: number, max: number): number {
    const raw = this.source[name];
    const value = Number(raw);
    if (raw === undefined || raw === '' || !Number.isInteger(value) || value < min || value > max)
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
    return value;
  }

  /** Like {@link positiveNumber}, but 0 is allowed. */
  nonNegativeNumber(name: EnvName): number {
    const raw = this.source[name];
    const value = Number(raw);
    if (raw === undefined || raw === '' || !Number.isFinite(value) || value < 0)
      this.problems.push(`${name} must be a number >= 0, got '${raw}'`);
    return value;
  }

  /** Records a problem found while reading (e.g. in the stage manifest), for {@link done}. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** @throws RuntimeConfigError listing every problem met so far */
  done(): void {
    if (this.problems.length > 0) throw new RuntimeConfigError(this.problems);
  }
}

/** The payload bucket and compression threshold, for the functions that store or read payloads. */
export function readPayloadSettings(env: EnvReader): { bucketName: string; compressAboveBytes: number } {
  return {
    bucketName: env.string(Env.PayloadBucket),
    compressAboveBytes: env.nonNegativeNumber(Env.CompressAboveBytes),
  };
}

/**
 * The job table's shard counts. Required: a function that guessed would write index keys, or
 * query shards, other than the rest of the stage's.
 */
export function readTableShards(env: EnvReader): TableShards {
  return {
    activeShards: env.integer(Env.TableActiveShards, 1, MAX_TABLE_SHARDS.activeShards),
    ownerShards: env.integer(Env.TableOwnerShards, 1, MAX_TABLE_SHARDS.ownerShards),
  };
}

export const DAY_SECONDS = 86_400;
