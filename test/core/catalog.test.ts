import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { JobCatalog, PollIntervals } from '../../lambdas/core/catalog';
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

describe('PollIntervals', () => {
  it("answers Retry-After's question as the catalog it was taken from does", () => {
    const catalog = new JobCatalog([job('a', { pollIntervalSeconds: 7 }), job('b')], {
      b: { pollIntervalSeconds: 3 },
    });
    const intervals = new PollIntervals(JSON.parse(JSON.stringify(catalog.pollIntervals())));
    for (const name of ['a', 'b']) {
      expect(intervals.has(name)).toBe(true);
      expect(intervals.get(name).settings.pollIntervalSeconds).toBe(
        catalog.get(name).settings.pollIntervalSeconds,
      );
    }
    expect(intervals.get('a').settings.pollIntervalSeconds).toBe(7);
    expect(intervals.get('b').settings.pollIntervalSeconds).toBe(3);
  });

  it('knows no other job type, nor inherited names', () => {
    const intervals = new PollIntervals({ a: 2 });
    expect(intervals.has('b')).toBe(false);
    expect(intervals.has('toString')).toBe(false);
    expect(() => intervals.get('b')).toThrow(UnknownJobTypeError);
  });
});
