import { describe, expect, it } from 'vitest';
import { DurationSample, nearestRank } from '../../../local/metrics/duration-sample';

/** A seeded uniform generator (mulberry32), so the sampled percentiles are reproducible. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('nearestRank', () => {
  it.each([
    [[42], 50, 42],
    [[42], 99, 42],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 51, 3],
    [[1, 2, 3, 4], 100, 4],
    [Array.from({ length: 10 }, (_, i) => i + 1), 90, 9],
    [Array.from({ length: 10 }, (_, i) => i + 1), 99, 10],
  ])('of %j at p%d is %d', (sorted, p, expected) => {
    expect(nearestRank(sorted, p)).toBe(expected);
  });

  it('refuses no values and percentiles outside (0, 100]', () => {
    expect(() => nearestRank([], 50)).toThrow(/at least one value/);
    expect(() => nearestRank([1], 0)).toThrow(/must be in \(0, 100\], got 0/);
    expect(() => nearestRank([1], 101)).toThrow(RangeError);
  });
});

describe('DurationSample', () => {
  it('has no summary before a value is added', () => {
    expect(new DurationSample().summary()).toBeNull();
  });

  it('is exact up to its capacity, whatever the order of the values', () => {
    const sample = new DurationSample(1000);
    for (const v of [30, 10, 20]) sample.add(v);
    expect(sample.summary()).toEqual({ count: 3, p50: 20, p90: 30, p99: 30 });
  });

  it('keeps a bounded sample past its capacity: the count stays exact, percentiles close', () => {
    const sample = new DurationSample(500, seeded(7));
    // 20,000 values 1..20,000 in a shuffled order: p50 is 10,000, p90 18,000, p99 19,800.
    const values = Array.from({ length: 20_000 }, (_, i) => i + 1);
    const random = seeded(11);
    for (let i = values.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [values[i], values[j]] = [values[j] as number, values[i] as number];
    }
    for (const v of values) sample.add(v);
    const summary = sample.summary();
    expect(summary?.count).toBe(20_000);
    // A uniform sample of 500: each percentile within 1,500 (7.5 % of the range) of the truth.
    expect(Math.abs((summary?.p50 ?? 0) - 10_000)).toBeLessThan(1_500);
    expect(Math.abs((summary?.p90 ?? 0) - 18_000)).toBeLessThan(1_500);
    expect(Math.abs((summary?.p99 ?? 0) - 19_800)).toBeLessThan(1_500);
  });
});
