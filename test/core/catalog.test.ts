import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { JobCatalog } from '../../lambdas/core/catalog';
import { UnknownJobTypeError } from '../../lambdas/core/errors';
import { DEFAULT_JOB_SETTINGS } from '../../lambdas/core/job-settings';
import { defineJobType } from '../../lambdas/core/job-type';
import { jobTypes } from '../../lambdas/jobs/catalog';

const job = (name: string, settings = {}) =>
  defineJobType({ name, description: name, input: z.unknown(), settings, handler: async () => null });

describe('JobCatalog', () => {
  it('resolves defaults, then the file settings, then overrides', () => {
    const catalog = new JobCatalog([job('a', { maxRetries: 5 })], { a: { memoryMiB: 1024 } });
    expect(catalog.get('a').settings).toMatchObject({
      ...DEFAULT_JOB_SETTINGS,
      maxRetries: 5,
      memoryMiB: 1024,
      reservedConcurrency: DEFAULT_JOB_SETTINGS.maxConcurrency,
      maxReceiveCount: 8,
    });
  });

  it('throws UnknownJobTypeError for a name it does not hold', () => {
    expect(() => new JobCatalog([job('a')]).get('b')).toThrow(UnknownJobTypeError);
  });

  it('lists every problem at once', () => {
    expect(() => new JobCatalog([job('Bad Name'), job('a'), job('a')], { ghost: {} })).toThrow(
      /'Bad Name' must match[\s\S]*'a' is defined twice[\s\S]*unknown job type 'ghost'/,
    );
  });

  it('ships the four example job types', () => {
    expect(new JobCatalog(jobTypes).names.sort()).toEqual(['echo', 'fail', 'flaky', 'sleep']);
  });
});
