/**
 * Benchmark 3, cold start: each function's minified bundle size and module initialisation
 * time, versus a bare handler that imports the same SDK clients, bundled the same way.
 *
 * Bundles are built with esbuild as lib/constructs/job-function.ts configures NodejsFunction
 * (bundled AWS SDK, minified ESM with the `require` banner, linked source map without sources,
 * main fields module then main, target node24). Each bundle is then imported by fresh `node`
 * processes with the function's environment (plausible values for every variable it reads,
 * Lambda's own with tracing active, and NODE_OPTIONS=--enable-source-maps as the stack sets
 * it); the child times the import itself
 * from its own clock (performance.now(), whose origin is the process start). Every bundle is
 * imported once per run, in an order rotated each run; a function's ratio is the median over
 * runs of its init time over its baseline's in the same run, so a swing in load hits both.
 *
 *   npm run bench -- --only cold-start [--quick] [--runs N]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { Env } from '../lambdas/runtime-env';
import { runAsMain } from './support/main';
import { progress } from './support/progress';
import { type Benchmark, setting } from './support/report';
import { median, round, times } from './support/stats';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(__dirname, 'results', 'bundles');

/** The same banner as job-function.ts: ESM bundles get a `require` for Node built-ins. */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

type Baseline = 'bare-dynamodb' | 'bare-dynamodb-s3' | 'bare-dynamodb-sqs' | 'bare-dynamodb-sqs-s3';

/** Every function the stack deploys (entry as in lib/constructs), with its baseline. */
const FUNCTIONS: readonly { name: string; entry: string; baseline: Baseline }[] = [
  { name: 'submit', entry: 'lambdas/api/submit-handler.ts', baseline: 'bare-dynamodb-sqs-s3' },
  { name: 'processor', entry: 'lambdas/processor/handler.ts', baseline: 'bare-dynamodb-sqs-s3' },
  { name: 'get-job', entry: 'lambdas/api/get-job-handler.ts', baseline: 'bare-dynamodb-s3' },
  { name: 'list-jobs', entry: 'lambdas/api/list-jobs-handler.ts', baseline: 'bare-dynamodb' },
  { name: 'cancel-job', entry: 'lambdas/api/cancel-job-handler.ts', baseline: 'bare-dynamodb' },
  { name: 'retry-job', entry: 'lambdas/api/retry-job-handler.ts', baseline: 'bare-dynamodb-sqs' },
  { name: 'redrive', entry: 'lambdas/api/redrive-handler.ts', baseline: 'bare-dynamodb-sqs' },
  { name: 'sweeper', entry: 'lambdas/sweeper/handler.ts', baseline: 'bare-dynamodb-sqs' },
];

const BASELINES: Record<Baseline, string> = {
  'bare-dynamodb': 'bench/support/bare-entry-dynamodb.ts',
  'bare-dynamodb-s3': 'bench/support/bare-entry-dynamodb-s3.ts',
  'bare-dynamodb-sqs': 'bench/support/bare-entry-dynamodb-sqs.ts',
  'bare-dynamodb-sqs-s3': 'bench/support/bare-entry-dynamodb-sqs-s3.ts',
};

const NAMES = ['echo', 'sleep', 'flaky', 'fail'];
const byName = <T>(value: T) => Object.fromEntries(NAMES.map((name) => [name, value]));

/**
 * Plausible values of every variable the functions read at init, as the stack and Lambda set
 * them. Lambda's own (execution environment, task root, X-Ray daemon) make the Powertools Tracer
 * and the X-Ray SDK take the path they take on Lambda with active tracing.
 */
const FUNCTION_ENV: Record<string, string> = {
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  LAMBDA_TASK_ROOT: '/var/task',
  AWS_XRAY_DAEMON_ADDRESS: '169.254.79.129:2000',
  AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'AsyncEndpoints-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  NODE_OPTIONS: '--enable-source-maps',
  POWERTOOLS_SERVICE_NAME: 'AsyncEndpoints',
  POWERTOOLS_METRICS_NAMESPACE: 'AsyncEndpoints',
  [Env.TableName]: 'AsyncEndpoints-jobs',
  [Env.QueueUrlPrefix]: 'https://sqs.us-east-1.amazonaws.com/123456789012/AsyncEndpoints_',
  [Env.JobName]: 'echo',
  // Each function reads its fields; the stack bakes them into the bundle instead.
  [Env.StageManifest]: JSON.stringify({
    settings: {},
    pollIntervals: byName(2),
    lanes: byName(false),
    staleAfterSeconds: byName(900),
  }),
  [Env.RetentionDays]: '30',
  [Env.TableActiveShards]: '16',
  [Env.TableOwnerShards]: '1',
  [Env.MaxBodyBytes]: '262144',
  [Env.SweeperMaxJobsPerRun]: '500',
  [Env.PayloadBucket]: 'AsyncEndpoints-payloads',
  [Env.CompressAboveBytes]: '8192',
};

/** Runs in the child: times the import of the bundle named by argv[1], prints one JSON line. */
const PROBE = `
const before = performance.now();
import(process.argv[1]).then(
  (module) => {
    const after = performance.now();
    if (typeof module.handler !== 'function') throw new Error('no handler export');
    console.log('BENCH ' + JSON.stringify({ beforeMs: before, initMs: after - before, totalMs: after }));
  },
  (error) => { console.log('BENCH ' + JSON.stringify({ error: String(error && error.message || error) })); },
);`;

async function bundle(name: string, entry: string): Promise<string> {
  const outfile = path.join(OUT_DIR, name, 'index.mjs');
  await build({
    entryPoints: [path.join(PROJECT_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'error',
  });
  return outfile;
}

interface Probe {
  readonly beforeMs: number;
  readonly initMs: number;
  readonly totalMs: number;
}

function probe(file: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', PROBE, pathToFileURL(file).href], {
      env: { PATH: process.env.PATH ?? '', ...FUNCTION_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', () => {
      const line = out.split('\n').find((l) => l.startsWith('BENCH '));
      if (!line) return reject(new Error(`${file}: no result (${err.trim().slice(0, 300)})`));
      const result = JSON.parse(line.slice(6)) as Probe & { error?: string };
      if (result.error) return reject(new Error(`${path.basename(path.dirname(file))}: ${result.error}`));
      resolve(result);
    });
  });
}

/** Run i of `real` over run i of `bare`. */
function pairedRatios(real: readonly Probe[], bare: readonly Probe[]): number[] {
  return real.flatMap((probe, i) => {
    const base = bare[i];
    return base ? [probe.initMs / base.initMs] : [];
  });
}

/** The cold-start benchmark (`--only cold-start`). */
export const coldStart: Benchmark = {
  name: 'cold-start',
  title: 'Cold start (bundle size and module initialisation)',
  async run(options) {
    const runs = setting(options, 'runs', 15, 7);
    const show = progress();
    rmSync(OUT_DIR, { recursive: true, force: true });
    mkdirSync(OUT_DIR, { recursive: true });
    const targets = [
      ...FUNCTIONS.map((f) => ({ name: f.name, entry: f.entry })),
      ...Object.entries(BASELINES).map(([name, entry]) => ({ name, entry })),
    ];
    const files: Record<string, string> = {};
    for (const target of targets) {
      if (!existsSync(path.join(PROJECT_ROOT, target.entry)))
        throw new Error(`Entry ${target.entry} is gone`);
      show.update(`[cold-start] bundling ${target.name}`);
      files[target.name] = await bundle(target.name, target.entry);
    }
    const samples: Record<string, Probe[]> = Object.fromEntries(targets.map((t) => [t.name, []]));
    for (let run = 0; run < runs; run++) {
      // Rotate the order each run so no bundle always goes first (or right after the same one).
      const order = targets.map((_, i) => targets[(i + run) % targets.length] as (typeof targets)[number]);
      for (const target of order) {
        show.update(`[cold-start] run ${run + 1}/${runs}: ${target.name}`);
        samples[target.name]?.push(await probe(files[target.name] as string));
      }
    }
    show.done();
    const stats = (name: string) => {
      const list = samples[name] ?? [];
      return {
        bytes: statSync(files[name] as string).size,
        initMsMedian: round(median(list.map((p) => p.initMs)), 1),
        fromProcessStartMsMedian: round(median(list.map((p) => p.totalMs)), 1),
        nodeStartMsMedian: round(median(list.map((p) => p.beforeMs)), 1),
      };
    };
    const baselines = Object.fromEntries(Object.keys(BASELINES).map((name) => [name, stats(name)]));
    const functions = Object.fromEntries(
      FUNCTIONS.map((f) => {
        const own = stats(f.name);
        const base = baselines[f.baseline] as ReturnType<typeof stats>;
        return [
          f.name,
          {
            ...own,
            baseline: f.baseline,
            // Paired run by run (the two ran seconds apart), so a swing in load hits both.
            initRatio: round(median(pairedRatios(samples[f.name] ?? [], samples[f.baseline] ?? [])), 3),
            initRatioOfMedians: round(own.initMsMedian / base.initMsMedian, 3),
          },
        ];
      }),
    );
    const worst = FUNCTIONS.map((f) => ({
      name: f.name,
      ...(functions[f.name] as { initRatio: number }),
    })).sort((a, b) => b.initRatio - a.initRatio)[0] as { name: string; initRatio: number };
    return {
      settings: { runs, target: 'node24', node: process.version, nodeOptions: FUNCTION_ENV.NODE_OPTIONS },
      figures: { functions, baselines },
      summary: [
        ...FUNCTIONS.map((f) => {
          const s = functions[f.name] as ReturnType<typeof stats> & { initRatio: number };
          return `${f.name.padEnd(11)} ${String(s.bytes).padStart(9)} B  init ${s.initMsMedian} ms = ${times(s.initRatio)} of ${f.baseline}`;
        }),
        ...Object.entries(baselines).map(
          ([name, s]) => `${name.padEnd(18)} ${String(s.bytes).padStart(9)} B  init ${s.initMsMedian} ms`,
        ),
      ],
      targets: [
        {
          name: `module init / bare, worst function (${worst.name})`,
          value: worst.initRatio,
          target: '<= 1.5',
          ok: worst.initRatio <= 1.5,
          unit: 'x',
        },
      ],
    };
  },
};

if (require.main === module) runAsMain(coldStart);
