/**
 * What every benchmark hands back: its figures (JSON, for bench/results/latest.json), a few
 * summary lines for the console, and how each figure stands against its target.
 */

/** One figure measured against a target from the issue. */
export interface TargetCheck {
  readonly name: string;
  /** The measured value, in `unit`. */
  readonly value: number;
  /** e.g. `<= 1.3`. */
  readonly target: string;
  readonly ok: boolean;
  readonly unit: string;
}

/** A benchmark's full report, as bench/results/latest.json holds it. */
export interface BenchReport {
  /** The name `--only` takes. */
  readonly name: string;
  readonly title: string;
  readonly quick: boolean;
  readonly startedAt: string;
  readonly seconds: number;
  /** Settings the run used (job counts, rounds, concurrency levels). */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Every figure, for the JSON file. */
  readonly figures: Readonly<Record<string, unknown>>;
  /** Compact human summary, a few lines. */
  readonly summary: readonly string[];
  readonly targets: readonly TargetCheck[];
}

/** Options every benchmark accepts. */
export interface BenchOptions {
  /** Small counts and few rounds: a rough figure in about a minute. */
  readonly quick: boolean;
  /** Overrides of the benchmark's own numeric settings (`--jobs 500` -> `{ jobs: 500 }`). */
  readonly overrides: Readonly<Record<string, number>>;
}

/** A benchmark module's export. */
export interface Benchmark {
  readonly name: string;
  readonly title: string;
  run(
    options: BenchOptions,
  ): Promise<Omit<BenchReport, 'name' | 'title' | 'quick' | 'startedAt' | 'seconds'>>;
}

/** The override named `key`, else the quick or full default. */
export function setting(options: BenchOptions, key: string, full: number, quick: number): number {
  const value = options.overrides[key];
  return value !== undefined && Number.isFinite(value) ? value : options.quick ? quick : full;
}
