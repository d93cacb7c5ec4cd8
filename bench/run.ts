/**
 * `npm run bench`: runs the benchmarks, each in its own process, one after the other; prints a
 * compact summary (and a Markdown table of the targets to paste into BENCHMARKS.md) and writes
 * every report with the machine's description to bench/results/latest.json (git-ignored).
 * A benchmark that crashes is reported and the others still run; the exit code is then 1.
 *
 *   npm run bench [-- --quick] [-- --only requests,overhead] [-- --<setting> N]
 *
 * Names: requests, overhead, cold-start, throughput, console, durable. Other flags go to every benchmark.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { printReport, RESULTS_DIR } from './support/main';
import type { BenchReport } from './support/report';

const BENCHMARKS: readonly { name: string; file: string }[] = [
  { name: 'requests', file: 'requests-per-job.ts' },
  { name: 'overhead', file: 'handler-overhead.ts' },
  { name: 'cold-start', file: 'cold-start.ts' },
  { name: 'throughput', file: 'local-throughput.ts' },
  { name: 'console', file: 'console-page.ts' },
  { name: 'durable', file: 'durable-state.ts' },
];

function parse(argv: readonly string[]) {
  const only: string[] = [];
  const passThrough: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--only') only.push(...(argv[++i] ?? '').split(',').filter(Boolean));
    else passThrough.push(arg);
  }
  const known = new Set(BENCHMARKS.map((b) => b.name));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`Unknown benchmark(s) ${unknown.join(', ')}; choose from ${[...known].join(', ')}`);
  }
  return { only, passThrough, quick: passThrough.includes('--quick') };
}

function javaVersion(): string {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return result.error ? 'none' : (result.stderr.split('\n')[0] ?? 'unknown').trim();
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    java: javaVersion(),
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function runOne(file: string, args: readonly string[], resultFile: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, file), ...args, '--result-file', resultFile],
      {
        stdio: 'inherit',
        // The SDK's Node 20 deprecation warning would repeat in every child.
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
      },
    );
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** The targets of every report as a Markdown table. */
function markdown(reports: readonly BenchReport[]): string {
  const rows = reports.flatMap((report) =>
    report.targets.map(
      (t) =>
        `| ${report.name} | ${t.name} | ${t.value} ${t.unit} | ${t.target} | ${t.ok ? 'met' : '**missed**'} |`,
    ),
  );
  return ['| Benchmark | Figure | Measured | Target | |', '|---|---|---|---|---|', ...rows].join('\n');
}

async function main(): Promise<void> {
  const { only, passThrough, quick } = parse(process.argv.slice(2));
  const chosen = BENCHMARKS.filter((b) => only.length === 0 || only.includes(b.name));
  const startedAt = new Date().toISOString();
  const host = machine();
  console.log(
    `Benchmarks: ${chosen.map((b) => b.name).join(', ')}${quick ? ' (quick)' : ''} on ${host.cpus} CPUs, ` +
      `Node ${host.node}, ${host.java}, load ${host.loadAverageAtStart.join(' ')}`,
  );
  mkdirSync(RESULTS_DIR, { recursive: true });
  const reports: BenchReport[] = [];
  const failures: string[] = [];
  for (const bench of chosen) {
    const resultFile = path.join(RESULTS_DIR, `.${bench.name}.partial.json`);
    rmSync(resultFile, { force: true });
    const code = await runOne(bench.file, passThrough, resultFile);
    if (code !== 0 || !existsSync(resultFile)) {
      failures.push(`${bench.name} (exit code ${code})`);
      continue;
    }
    reports.push(JSON.parse(readFileSync(resultFile, 'utf8')) as BenchReport);
    rmSync(resultFile, { force: true });
  }
  const latest = {
    startedAt,
    finishedAt: new Date().toISOString(),
    quick,
    machine: { ...host, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
    failures,
    reports: Object.fromEntries(reports.map((r) => [r.name, r])),
  };
  const latestFile = path.join(RESULTS_DIR, 'latest.json');
  writeFileSync(latestFile, `${JSON.stringify(latest, null, 2)}\n`);

  console.log('\n================ Summary ================');
  for (const report of reports) printReport(report);
  console.log(`\n${markdown(reports)}\n`);
  console.log(
    `Load average: ${host.loadAverageAtStart.join(' ')} at start, ${latest.machine.loadAverageAtEnd.join(' ')} at end.`,
  );
  console.log(`Reports: ${path.relative(process.cwd(), latestFile)}`);
  if (failures.length > 0) {
    console.error(`Failed: ${failures.join(', ')}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
