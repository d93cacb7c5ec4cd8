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
const common = { [Env.TableName]: 'jobs', ...shards, [Env.JobSettings]: '{}' };
const retention = { [Env.RetentionDays]: '30' };
const payloads = { [Env.PayloadBucket]: 'payloads', [Env.CompressAboveBytes]: '0' };

describe.each([
  [
    '../../lambdas/api/submit-handler',
    {
      ...common,
      ...retention,
      ...payloads,
      [Env.QueueUrls]: '{"echo":"https://q/echo"}',
      [Env.MaxBodyBytes]: '1024',
    },
  ],
  // get-job and retry-job read the poll intervals the stack resolved, not the job catalog.
  [
    '../../lambdas/api/get-job-handler',
    { [Env.TableName]: 'jobs', ...shards, [Env.PollIntervals]: '{"echo":2}', ...payloads },
  ],
  [
    '../../lambdas/api/retry-job-handler',
    {
      [Env.TableName]: 'jobs',
      ...shards,
      [Env.PollIntervals]: '{"echo":2}',
      [Env.QueueUrls]: '{"echo":"https://q/echo"}',
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
      [Env.QueueUrls]: '{"echo":"https://q/echo"}',
      [Env.DeadLetterQueueUrls]: '{"echo":"https://q/dlq"}',
      [Env.SweeperStaleAfterSeconds]: '{"echo":900}',
      [Env.SweeperMaxJobsPerRun]: '500',
    },
  ],
  ['../../lambdas/api/cancel-job-handler', { [Env.TableName]: 'jobs', ...shards, ...retention }],
  [
    '../../lambdas/processor/handler',
    {
      ...common,
      ...retention,
      ...payloads,
      [Env.JobName]: 'echo',
      [Env.QueueUrl]: 'https://q/echo',
      [Env.DeadLetterQueueUrl]: 'https://q/dlq',
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
    const names = Object.keys(env).filter((name) => name !== Env.JobSettings);
    const error = await import(entry).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    for (const name of names) expect((error as Error).message).toContain(name);
  });
});
