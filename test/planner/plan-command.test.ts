import { describe, expect, it } from 'vitest';
import { runPlanCommand, USAGE_EXIT_CODE } from '../../planner/plan-command';
import { PRICES, tieredCost } from '../../planner/price-table';
import { parseDuration, parseRate, parseSize } from '../../planner/units';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPlanCommand(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('units', () => {
  it.each([
    ['5000/min', 5000],
    ['5000/m', 5000],
    ['100/s', 6000],
    ['60/h', 1],
    ['1,000,000/minute', 1_000_000],
    ['250', 250],
    ['2.5/sec', 150],
  ])('rate %s is %d jobs/min', (text, perMinute) => {
    expect(parseRate(text)).toEqual({ ok: true, value: perMinute });
  });

  it.each([
    ['2s', 2],
    ['250ms', 0.25],
    ['1.5m', 90],
    ['3', 3],
    ['2 min', 120],
  ])('duration %s is %d s', (text, seconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: seconds });
  });

  it.each([
    ['4KB', 4096],
    ['4kb', 4096],
    ['1MB', 1_048_576],
    ['512B', 512],
    ['100', 100],
    ['2KiB', 2048],
  ])('size %s is %d B', (text, bytes) => {
    expect(parseSize(text)).toEqual({ ok: true, value: bytes });
  });

  it.each([
    ['rate', '5000/day', parseRate],
    ['rate', 'fast', parseRate],
    ['duration', '2 hours', parseDuration],
    ['size', '4GB', parseSize],
    ['size', '-1KB', parseSize],
  ])('rejects a %s of %s, naming the accepted units', (what, text, parse) => {
    const parsed = parse(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.error).toMatch(new RegExp(`^${what} '.*' is not understood: give a number with one of`));
  });
});

describe('price table', () => {
  it('is dated and for us-east-1, with the reference prices', () => {
    expect(PRICES.region).toBe('us-east-1');
    expect(PRICES.compiledOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICES.lambda.gbSecondArm64).toBe(0.0000133334);
    expect(PRICES.dynamoDb).toMatchObject({ wruPerMillion: 0.625, rruPerMillion: 0.125 });
    expect(PRICES.sqs).toMatchObject({ standardPerMillion: 0.4, chunkBytes: 65_536 });
  });

  it('prices tiers cumulatively', () => {
    const rest = PRICES.apiGateway.restRequests;
    expect(tieredCost(0, rest)).toBe(0);
    expect(tieredCost(1e6, rest)).toBeCloseTo(3.5, 10);
    // 333M x $3.50 + 167M x $2.80 = $1,165.50 + $467.60.
    expect(tieredCost(500e6, rest)).toBeCloseTo(1633.1, 6);
  });
});

describe('runPlanCommand', () => {
  it('prints a readable report of concurrency, profile, settings, quotas and cost', async () => {
    const { code, out, err } = await run('--rate', '5000/min', '--duration', '2s', '--payload', '4KB');
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toMatch(/^Workload: 5,000 jobs\/min of 2 s io jobs, 4,096 B in/);
    expect(out).toMatch(/Concurrency \(Little's law/);
    expect(out).toMatch(/Profile: large \(recommended\): cdk synth -c profile=large/);
    // Large runs provisioned mode: the pollers replace maxConcurrency.
    expect(out).toMatch(
      /provisionedPollers \{ minimum: \d+, maximum: \d+ \} \(provisioned mode: up to [\d,]+ concurrent invocations\), reservedConcurrency [\d,]+/,
    );
    expect(out).toMatch(/billed per event poller unit; its price is not in the price table/);
    expect(out).toMatch(/Quotas and limits/);
    expect(out).toMatch(/Monthly cost \(us-east-1, prices of \d{4}-\d{2}-\d{2}/);
    for (const service of ['API Gateway (REST)', 'Lambda', 'SQS', 'DynamoDB', 'CloudWatch', 'Total']) {
      expect(out).toContain(`  ${service}`);
    }
  });

  it('prints the plan as JSON with --json, with --flag=value forms too', async () => {
    const { code, out } = await run(
      '--rate=100/s',
      '--duration=500ms',
      '--json',
      '--profile',
      'medium',
      '--memory',
      '1024',
    );
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.input).toMatchObject({
      ratePerMinute: 6000,
      durationSeconds: 0.5,
      memoryMiB: 1024,
      payloadBytes: 1024,
    });
    expect(json.profile.name).toBe('medium');
    expect(json.cost.lines).toHaveLength(5);
  });

  it('prints the usage with --help and exits 0', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: plan --rate/);
  });

  it.each([
    [['--duration', '2s'], '--rate is required'],
    [['--rate', '5000/min'], '--duration is required'],
    [['--rate', 'lots', '--duration', '2s'], "--rate: rate 'lots' is not understood"],
    [['--rate', '0/min', '--duration', '2s'], '--rate must be above 0'],
    [
      ['--rate', '10/min', '--duration', '2s', '--profile', 'huge'],
      '--profile must be one of small, medium, large',
    ],
    [['--rate', '10/min', '--duration', '2s', '--kind', 'gpu'], '--kind must be one of io, cpu'],
    [
      ['--rate', '10/min', '--duration', '2s', '--memory', '64'],
      '--memory: memory (MiB) must be an integer in 128..10240',
    ],
    [['--rate', '10/min', '--duration', '2s', '--payload'], '--payload needs a value'],
    [['--rate', '10/min', '--duration', '2s', '--bogus'], "unknown argument '--bogus'"],
  ])('exits 2 for %j, saying %s', async (argv, message) => {
    const { code, out, err } = await run(...argv);
    expect(code).toBe(USAGE_EXIT_CODE);
    expect(out).toBe('');
    expect(err).toContain(`plan: ${message}`);
    expect(err).toContain('Usage: plan');
  });

  it('reports every bad argument at once', async () => {
    const { err } = await run('--rate', 'x', '--duration', 'y', '--kind', 'z');
    expect(err.split('\n').filter((l) => l.startsWith('plan: '))).toHaveLength(3);
  });
});
