/**
 * The Lambda entry files wire their handler from the environment at cold start: they must load
 * with the variables the stack sets, and refuse to load without them, naming each one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Env } from '../../lambdas/runtime-env';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  vi.resetModules();
});

const shards = { [Env.TableActiveShards]: '16', [Env.TableOwnerShards]: '2' };
const retention = { [Env.RetentionDays]: '30' };
const payloads = { [Env.PayloadBucket]: 'payloads', [Env.CompressAboveBytes]: '0' };
const urlPrefix = { [Env.QueueUrlPrefix]: 'https://sqs.us-east-1.amazonaws.com/111111111111/Stage_' };
/** Unbundled, an entry reads the manifest the stack would have baked from the environment. */
const manifest = (value: object) => ({ [Env.StageManifest]: JSON.stringify(value) });

describe.each([
  [
    '../../lambdas/api/submit-handler',
    {
      [Env.TableName]: 'jobs',
      ...shards,
      ...retention,
      ...payloads,
      ...urlPrefix,
      ...manifest({ settings: { echo: { maxRetries: 1 } } }),
      [Env.MaxBodyBytes]: '1024',
    },
  ],
  // get-job and retry-job read the poll intervals the stack resolved, not the job catalog.
  [
    '../../lambdas/api/get-job-handler',
    { [Env.TableName]: 'jobs', ...shards, ...manifest({ pollIntervals: { echo: 2 } }), ...payloads },
  ],
  [
    '../../lambdas/api/retry-job-handler',
    {
      [Env.TableName]: 'jobs',
      ...shards,
      ...manifest({ pollIntervals: { echo: 2 }, lanes: { echo: false } }),
      ...urlPrefix,
      ...retention,
    },
  ],
  [
    '../../lambdas/api/redrive-handler',
    {
      [Env.TableName]: 'jobs',
      ...shards,
      ...manifest({ lanes: { echo: true } }),
      ...urlPrefix,
      ...retention,
    },
  ],
  ['../../lambdas/api/list-jobs-handler', { [Env.TableName]: 'jobs', ...shards }],
  [
    '../../lambdas/sweeper/handler',
    {
      [Env.TableName]: 'jobs',
      ...shards,
      ...retention,
      ...urlPrefix,
      ...manifest({ lanes: { echo: false }, staleAfterSeconds: { echo: 900 } }),
      [Env.SweeperMaxJobsPerRun]: '500',
    },
  ],
  ['../../lambdas/api/cancel-job-handler', { [Env.TableName]: 'jobs', ...shards, ...retention }],
  [
    '../../lambdas/processor/handler',
    {
      [Env.TableName]: 'jobs',
      ...shards,
      ...retention,
      ...payloads,
      ...urlPrefix,
      ...manifest({ settings: {} }),
      [Env.JobName]: 'echo',
    },
  ],
])('%s', (entry, env) => {
  it('builds its handler from the environment the stack sets', async () => {
    process.env = { ...saved, ...env };
    const module = await import(entry);
    expect(typeof module.handler).toBe('function');
  });

  it('fails at load, naming every missing variable', async () => {
    process.env = { ...saved };
    for (const name of Object.values(Env)) delete process.env[name];
    const names = Object.keys(env);
    const error = await import(entry).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    for (const name of names) expect((error as Error).message).toContain(name);
  });
});

describe('an entry whose manifest lacks a field it reads', () => {
  it('fails at load, naming each missing field', async () => {
    process.env = {
      ...saved,
      [Env.TableName]: 'jobs',
      ...shards,
      ...urlPrefix,
      ...retention,
      ...manifest({ lanes: { echo: false } }),
    };
    const entry = '../../lambdas/api/retry-job-handler';
    const error = await import(entry).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`${Env.StageManifest} lacks 'pollIntervals'`);
    expect((error as Error).message).not.toContain("lacks 'lanes'");
  });
});
