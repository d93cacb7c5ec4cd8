/**
 * Runs one benchmark as a program: `tsx bench/<name>.ts [--quick] [--<setting> N ...]
 * [--result-file path]`. Prints the summary and writes the report as JSON (to the given file,
 * else bench/results/<name>.json). `npm run bench` runs each benchmark this way, in its own
 * process, so one cannot disturb (or crash) another.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Benchmark, BenchOptions, BenchReport } from './report';

/** Where results go; git-ignored. */
export const RESULTS_DIR = path.resolve(__dirname, '..', 'results');

/**
 * Reads `--quick`, `--result-file path` and `--<setting> N` pairs.
 * @throws naming the argument that is not one of these
 */
export function parseArgs(argv: readonly string[]): BenchOptions & { resultFile?: string } {
  const overrides: Record<string, number> = {};
  let quick = false;
  let resultFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--quick') quick = true;
    else if (arg === '--result-file') resultFile = argv[++i];
    else if (arg.startsWith('--')) {
      const value = Number(argv[i + 1]);
      if (!Number.isFinite(value)) throw new Error(`${arg} needs a number, got '${argv[i + 1]}'`);
      overrides[arg.slice(2)] = value;
      i += 1;
    } else throw new Error(`Unexpected argument '${arg}'`);
  }
  return { quick, overrides, ...(resultFile ? { resultFile } : {}) };
}

/** Prints a report's summary and target checks. */
export function printReport(report: BenchReport): void {
  console.log(
    `\n== ${report.title} (${report.name}${report.quick ? ', quick' : ''}, ${report.seconds.toFixed(0)} s)`,
  );
  for (const line of report.summary) console.log(`   ${line}`);
  for (const check of report.targets) {
    const mark = check.ok ? 'ok  ' : 'MISS';
    console.log(`   [${mark}] ${check.name}: ${check.value} ${check.unit} (target ${check.target})`);
  }
}

/** Runs `benchmark` with the process's arguments; exits non-zero if it throws. */
export function runAsMain(benchmark: Benchmark): void {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.AWS_REGION ??= 'us-east-1';
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${benchmark.name}: ${error instanceof Error ? error.message : error}`);
    process.exit(2);
  }
  const { resultFile, ...options } = parsed;
  const startedAt = new Date();
  const t0 = performance.now();
  benchmark
    .run(options)
    .then((result) => {
      const report: BenchReport = {
        name: benchmark.name,
        title: benchmark.title,
        quick: options.quick,
        startedAt: startedAt.toISOString(),
        seconds: (performance.now() - t0) / 1000,
        ...result,
      };
      printReport(report);
      const file = resultFile ?? path.join(RESULTS_DIR, `${benchmark.name}.json`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
      // Emulator clients and timers may linger; the report is written, so leave now.
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(`${benchmark.name} failed:`, error);
      process.exit(1);
    });
}
