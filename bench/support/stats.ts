/**
 * Small statistics for benchmark figures: medians, percentiles and ratios, and the formatting
 * the summaries use. The machine is shared and noisy, so every figure is a median.
 */

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The `p`th percentile (0-100) by the nearest-rank method; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Rounds to `digits` decimals (for JSON results that stay readable). */
export function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** `1.23x`. */
export function times(ratio: number): string {
  return `${ratio.toFixed(2)}x`;
}

/** `$1.23`. */
export function dollars(value: number): string {
  return `$${value.toFixed(2)}`;
}

/** Pass/miss mark of a figure against its target. */
export function verdict(ok: boolean): string {
  return ok ? 'meets target' : 'MISSES target';
}
