/**
 * `plan`: the capacity planner's command line. `npm run plan -- --rate 5000/min --duration 2s
 * --payload 4KB [--profile large] [--memory 1024] [--kind cpu] [--result 1KB] [--polls 3] [--json]`.
 */
import { JOB_KINDS, type JobKind } from '../lambdas/core/job-settings';
import { isProfileName, PROFILE_NAMES, type ProfileName } from '../lib/profiles';
import { type PlanInput, plan } from './plan';
import { formatPlan } from './report';
import { type Parsed, parseDuration, parseRate, parseSize } from './units';

/** Where the command writes. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

/** Exit code of bad arguments. */
export const USAGE_EXIT_CODE = 2;

export const USAGE = `Usage: plan --rate <N/s|N/min|N/h> --duration <N ms|s|m> [--payload <N B|KB|MB>]
            [--result <size>] [--kind io|cpu] [--profile ${PROFILE_NAMES.join('|')}]
            [--memory <MiB>] [--polls <N>] [--json]

Sizes one job type: the concurrency it needs (Little's law, 1.5x headroom), the profile and
settings to deploy it with, the AWS quotas to check or raise, and the monthly cost by service.
  --rate      jobs submitted (mean), e.g. 5000/min
  --duration  how long one job runs, e.g. 2s
  --payload   input size (default 1KB); --result: result size (default 1KB)
  --kind      io (default) or cpu; --memory: processor MiB (default: the kind's)
  --profile   plan for this profile instead of the recommended one
  --polls     status polls per job (default: from the duration and the poll interval)
  --json      print the plan as JSON`;

const VALUE_FLAGS = ['rate', 'duration', 'payload', 'result', 'kind', 'profile', 'memory', 'polls'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

/**
 * Runs the plan command.
 *
 * @returns the exit code: 0, or 2 for bad arguments (every problem is written to `io.err`)
 * @example await runPlanCommand(['--rate', '5000/min', '--duration', '2s'], { out: console.log, err: console.error })
 */
export async function runPlanCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const values: Partial<Record<ValueFlag, string>> = {};
  const problems: string[] = [];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      io.out(USAGE);
      return 0;
    }
    if (arg === '--json') {
      json = true;
      continue;
    }
    const [flag, inline] = arg.startsWith('--') ? arg.slice(2).split(/=(.*)/s, 2) : [undefined, undefined];
    if (!flag || !(VALUE_FLAGS as readonly string[]).includes(flag)) {
      problems.push(`unknown argument '${arg}'`);
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      problems.push(`--${flag} needs a value`);
      continue;
    }
    if (inline === undefined) i++;
    values[flag as ValueFlag] = value;
  }

  const take = (flag: ValueFlag, parse: (text: string) => Parsed): number | undefined => {
    const text = values[flag];
    if (text === undefined) return undefined;
    const parsed = parse(text);
    if (!parsed.ok) problems.push(`--${flag}: ${parsed.error}`);
    return parsed.ok ? parsed.value : undefined;
  };
  const integer =
    (what: string, min: number, max: number) =>
    (text: string): Parsed => {
      const value = Number(text);
      return Number.isInteger(value) && value >= min && value <= max
        ? { ok: true, value }
        : { ok: false, error: `${what} must be an integer in ${min}..${max}, got '${text}'` };
    };
  if (values.rate === undefined) problems.push('--rate is required (e.g. --rate 5000/min)');
  if (values.duration === undefined) problems.push('--duration is required (e.g. --duration 2s)');
  const ratePerMinute = take('rate', parseRate);
  const durationSeconds = take('duration', parseDuration);
  const payloadBytes = take('payload', parseSize) ?? 1024;
  const resultBytes = take('result', parseSize);
  const memoryMiB = take('memory', integer('memory (MiB)', 128, 10_240));
  const pollsPerJob = take('polls', integer('polls', 0, 1000));
  const kind = values.kind;
  if (kind !== undefined && !(JOB_KINDS as readonly string[]).includes(kind)) {
    problems.push(`--kind must be one of ${JOB_KINDS.join(', ')}, got '${kind}'`);
  }
  const profile = values.profile;
  if (profile !== undefined && !isProfileName(profile)) {
    problems.push(`--profile must be one of ${PROFILE_NAMES.join(', ')}, got '${profile}'`);
  }
  for (const [what, value] of [
    ['--rate', ratePerMinute],
    ['--duration', durationSeconds],
  ] as const) {
    if (value !== undefined && !(value > 0)) problems.push(`${what} must be above 0`);
  }
  if (problems.length > 0 || ratePerMinute === undefined || durationSeconds === undefined) {
    for (const problem of problems) io.err(`plan: ${problem}`);
    io.err(USAGE);
    return USAGE_EXIT_CODE;
  }

  const input: PlanInput = {
    ratePerMinute,
    durationSeconds,
    payloadBytes,
    ...(resultBytes === undefined ? {} : { resultBytes }),
    ...(kind === undefined ? {} : { kind: kind as JobKind }),
    ...(profile === undefined ? {} : { profile: profile as ProfileName }),
    ...(memoryMiB === undefined ? {} : { memoryMiB }),
    ...(pollsPerJob === undefined ? {} : { pollsPerJob }),
  };
  const result = plan(input);
  io.out(json ? JSON.stringify(result, null, 2) : formatPlan(result));
  return 0;
}
