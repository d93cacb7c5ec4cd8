import { describe, expect, it } from 'vitest';
import {
  EnvReader,
  RuntimeConfigError,
  readPayloadSettings,
  readTableShards,
} from '../../lambdas/runtime-config';
import { Env } from '../../lambdas/runtime-env';

describe('EnvReader', () => {
  it('reads typed values', () => {
    const env = new EnvReader({
      [Env.TableName]: 't',
      [Env.RetentionDays]: '7',
      [Env.SweeperMaxJobsPerRun]: '500',
    });
    expect(env.string(Env.TableName)).toBe('t');
    expect(env.positiveNumber(Env.RetentionDays)).toBe(7);
    expect(env.integer(Env.SweeperMaxJobsPerRun, 1, 1000)).toBe(500);
    expect(() => env.done()).not.toThrow();
  });

  it('names every missing or malformed variable in one error', () => {
    const env = new EnvReader({ [Env.RetentionDays]: 'soon' });
    env.string(Env.TableName);
    env.positiveNumber(Env.RetentionDays);
    env.problem('the stage manifest lacks lanes');
    let error: RuntimeConfigError | undefined;
    try {
      env.done();
    } catch (e) {
      error = e as RuntimeConfigError;
    }
    expect(error).toBeInstanceOf(RuntimeConfigError);
    expect(error?.problems).toEqual([
      `${Env.TableName} is not set`,
      `${Env.RetentionDays} must be a positive number, got 'soon'`,
      'the stage manifest lacks lanes',
    ]);
  });

  it('reads an optional variable as undefined when absent or empty, without a problem', () => {
    const env = new EnvReader({ [Env.StageManifest]: '{}', [Env.QueueUrlPrefix]: '' });
    expect(env.optionalString(Env.StageManifest)).toBe('{}');
    expect(env.optionalString(Env.QueueUrlPrefix)).toBeUndefined();
    expect(env.optionalString(Env.BacklogCacheSeconds)).toBeUndefined();
    expect(() => env.done()).not.toThrow();
  });

  it('reads the payload settings, accepting a 0 threshold and refusing a negative one', () => {
    const env = new EnvReader({ [Env.PayloadBucket]: 'b', [Env.CompressAboveBytes]: '0' });
    expect(readPayloadSettings(env)).toEqual({ bucketName: 'b', compressAboveBytes: 0 });
    expect(() => env.done()).not.toThrow();
    const bad = new EnvReader({ [Env.CompressAboveBytes]: '-1' });
    readPayloadSettings(bad);
    expect(() => bad.done()).toThrow(
      new RegExp(
        `${Env.PayloadBucket} is not set[\\s\\S]*${Env.CompressAboveBytes} must be a number >= 0, got '-1'`,
      ),
    );
  });
});

describe('readTableShards', () => {
  it('reads both shard counts', () => {
    const env = new EnvReader({ [Env.TableActiveShards]: '32', [Env.TableOwnerShards]: '16' });
    expect(readTableShards(env)).toEqual({ activeShards: 32, ownerShards: 16 });
    expect(() => env.done()).not.toThrow();
  });

  it('requires both, as integers in range, naming each bad one', () => {
    const env = new EnvReader({ [Env.TableActiveShards]: '0', [Env.TableOwnerShards]: '1.5' });
    readTableShards(env);
    expect(() => env.done()).toThrow(
      /JOB_TABLE_ACTIVE_SHARDS must be an integer from 1 to 256, got '0'[\s\S]*JOB_TABLE_OWNER_SHARDS must be an integer from 1 to 64, got '1.5'/,
    );
    const missing = new EnvReader({});
    readTableShards(missing);
    expect(() => missing.done()).toThrow(/JOB_TABLE_ACTIVE_SHARDS[\s\S]*JOB_TABLE_OWNER_SHARDS/);
  });
});
