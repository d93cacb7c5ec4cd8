/**
 * A bounded sample of one minute's durations and its percentiles. Up to `capacity` values are
 * kept exactly; past that, reservoir sampling (Vitter's algorithm R) keeps a uniform sample, so
 * a busy minute costs fixed memory and its percentiles stay close (the count stays exact).
 */
import type { DurationSummary } from './snapshot';

/** Values kept per minute, job type and metric before sampling starts. */
export const DEFAULT_SAMPLE_CAPACITY = 2048;

export class DurationSample {
  #values: number[] = [];
  #count = 0;

  /**
   * @param capacity Values kept at most. @default DEFAULT_SAMPLE_CAPACITY
   * @param random Uniform in [0, 1) (tests pass a seeded one). @default Math.random
   */
  constructor(
    private readonly capacity = DEFAULT_SAMPLE_CAPACITY,
    private readonly random: () => number = Math.random,
  ) {}

  /** Every value seen, sampled or not. */
  get count(): number {
    return this.#count;
  }

  add(value: number): void {
    this.#count += 1;
    if (this.#values.length < this.capacity) {
      this.#values.push(value);
      return;
    }
    const slot = Math.floor(this.random() * this.#count);
    if (slot < this.capacity) this.#values[slot] = value;
  }

  /** p50, p90 and p99 of the kept values (nearest rank), ms; null when nothing was added. */
  summary(): DurationSummary | null {
    if (this.#count === 0) return null;
    const sorted = [...this.#values].sort((a, b) => a - b);
    return {
      count: this.#count,
      p50: nearestRank(sorted, 50),
      p90: nearestRank(sorted, 90),
      p99: nearestRank(sorted, 99),
    };
  }
}

/**
 * The nearest-rank percentile of ascending `sorted` (non-empty): the smallest value with at
 * least `p` % of the values at or below it.
 * @throws RangeError when `sorted` is empty or `p` is outside (0, 100]
 */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('nearestRank needs at least one value');
  if (!(p > 0 && p <= 100)) throw new RangeError(`A percentile must be in (0, 100], got ${p}`);
  const value = sorted[Math.ceil((p / 100) * sorted.length) - 1];
  return value as number;
}
