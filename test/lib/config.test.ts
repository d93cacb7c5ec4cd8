import { App } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { ConfigError, defaultMaxMessageAgeSeconds, loadConfig, resolveConfig } from '../../lib/config';

/** The problems `resolveConfig(input)` reports (fails the test if it does not throw). */
function problemsOf(input: unknown): readonly string[] {
  try {
    resolveConfig(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected resolveConfig to throw');
}

const echo = (overrides: Record<string, unknown>) => ({ jobTypes: { echo: overrides } });

describe('resolveConfig defaults', () => {
  it('fills every default when the context has no asyncEndpoints key', () => {
    const config = resolveConfig(undefined);
    expect(config).toMatchObject({
      stackName: 'AsyncEndpoints',
      maxBodyBytes: 1_048_576,
      compressAboveBytes: 8_192,
      retentionDays: 30,
      logRetentionDays: logs.RetentionDays.ONE_MONTH,
      removalPolicy: 'retain',
      apiThrottle: { rateLimit: 500, burstLimit: 1000 },
      accountConcurrency: 1000,
      // No preflight record: the Region may have no role, and the stage's logging needs one.
      manageApiGatewayAccount: true,
      apiStageName: 'prod',
      jobSettingsJson: '{}',
      table: { activeShards: 16, ownerShards: 1 },
    });
    expect(config.alarmEmail).toBeUndefined();
  });

  it('resolves every catalog job type, in catalog order', () => {
    expect(resolveConfig({}).jobTypes.map((j) => j.name)).toEqual(jobTypes.map((j) => j.name));
  });

  it('derives visibility from the timeout and batching window, and the age alarm from the retry schedule', () => {
    const sleep = resolveConfig({
      jobTypes: { sleep: { maxBatchingWindowSeconds: 5, maxRetries: 10, backoffBaseSeconds: 60 } },
    }).jobTypes.find((j) => j.name === 'sleep');
    expect(sleep?.visibilityTimeoutSeconds).toBe(6 * 60 + 5);
    expect(sleep?.maxMessageAgeSeconds).toBe(sleep && defaultMaxMessageAgeSeconds(sleep.settings));
    expect(sleep?.maxMessageAgeSeconds).toBeGreaterThan(900);
  });

  it('never sets the age alarm below 15 minutes', () => {
    for (const job of resolveConfig({}).jobTypes)
      expect(job.maxMessageAgeSeconds).toBeGreaterThanOrEqual(900);
  });

  it('checks a running job for a cancel every 2 s by default, and takes 0 (off) or 0.5..20 per job type', () => {
    const of = (config: ReturnType<typeof resolveConfig>, name: string) =>
      config.jobTypes.find((j) => j.name === name)?.settings.cancelCheckSeconds;
    const defaults = resolveConfig({});
    for (const job of defaults.jobTypes) expect(job.settings.cancelCheckSeconds).toBe(2);
    const tuned = resolveConfig({
      jobTypes: { sleep: { cancelCheckSeconds: 0.5 }, echo: { cancelCheckSeconds: 0 } },
    });
    expect([of(tuned, 'sleep'), of(tuned, 'echo'), of(tuned, 'flaky')]).toEqual([0.5, 0, 2]);
    // The processors learn it from the settings the stack bakes into their bundles.
    expect(JSON.parse(tuned.jobSettingsJson)).toMatchObject({
      sleep: { cancelCheckSeconds: 0.5 },
      echo: { cancelCheckSeconds: 0 },
    });
    expect(problemsOf(echo({ cancelCheckSeconds: 30 }))).toEqual([
      'jobTypes.echo.cancelCheckSeconds must be 0 (no checks: the lease renewals every 20 s see a cancel) or a number of seconds in 0.5..20, got 30',
    ]);
  });

  it('passes only JobSettings overrides to the Lambdas, not the infra-only fields', () => {
    const config = resolveConfig({
      jobTypes: { echo: { timeoutSeconds: 20, visibilityTimeoutSeconds: 200, maxMessageAgeSeconds: 1200 } },
    });
    expect(JSON.parse(config.jobSettingsJson)).toEqual({ echo: { timeoutSeconds: 20 } });
    expect(config.jobTypes[0]).toMatchObject({ visibilityTimeoutSeconds: 200, maxMessageAgeSeconds: 1200 });
  });
});

describe('table shards', () => {
  it("takes the profile's shard counts, each overridable", () => {
    expect(resolveConfig({ profile: 'large' }).table).toEqual({ activeShards: 32, ownerShards: 16 });
    expect(resolveConfig({ profile: 'medium', table: { ownerShards: 8 } }).table).toEqual({
      activeShards: 16,
      ownerShards: 8,
    });
    expect(resolveConfig({ table: { activeShards: 256, ownerShards: 64 } }).table).toEqual({
      activeShards: 256,
      ownerShards: 64,
    });
  });

  it.each([
    [{ activeShards: 0 }, 'table.activeShards must be an integer >= 1 and <= 256'],
    [{ ownerShards: 1.5 }, 'table.ownerShards must be an integer >= 1 and <= 64'],
    [{ ownerShards: 65 }, 'table.ownerShards must be an integer >= 1 and <= 64'],
    [{ activeShards: '8' }, 'table.activeShards must be a number, got string "8"'],
    [{ shards: 4 }, 'table.shards is not a known field (known: activeShards, ownerShards, warmThroughput)'],
  ])('rejects %j, saying what it takes', (table, problem) => {
    const problems = problemsOf({ table });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(problem);
  });

  it('rejects a table that is not an object', () => {
    expect(problemsOf({ table: 4 })).toEqual(['table must be an object, got number 4']);
  });
});

describe('resolveConfig rejects', () => {
  it.each([
    [
      'reservedConcurrency below maxConcurrency',
      { maxConcurrency: 10, reservedConcurrency: 5 },
      'jobTypes.echo.reservedConcurrency',
    ],
    ['maxConcurrency below 2', { maxConcurrency: 1, reservedConcurrency: 1 }, 'jobTypes.echo.maxConcurrency'],
    [
      'maxConcurrency above 1000',
      { maxConcurrency: 1001, reservedConcurrency: 1001 },
      'jobTypes.echo.maxConcurrency',
    ],
    [
      'visibility timeout below 6x the function timeout',
      { timeoutSeconds: 30, visibilityTimeoutSeconds: 179 },
      'jobTypes.echo.visibilityTimeoutSeconds',
    ],
    [
      'visibility timeout not covering the batching window',
      { timeoutSeconds: 30, maxBatchingWindowSeconds: 10, visibilityTimeoutSeconds: 180 },
      'jobTypes.echo.visibilityTimeoutSeconds',
    ],
    [
      'visibility timeout above 12 hours',
      { visibilityTimeoutSeconds: 43_201 },
      'jobTypes.echo.visibilityTimeoutSeconds',
    ],
    [
      'maxReceiveCount not above maxRetries + 1',
      { maxRetries: 3, maxReceiveCount: 4 },
      'jobTypes.echo.maxReceiveCount',
    ],
    ['batchSize 0', { batchSize: 0 }, 'jobTypes.echo.batchSize'],
    ['batchSize above 10000', { batchSize: 10_001, maxBatchingWindowSeconds: 1 }, 'jobTypes.echo.batchSize'],
    [
      'batchSize above 10 without a batching window',
      { batchSize: 11 },
      'jobTypes.echo.maxBatchingWindowSeconds',
    ],
    [
      'batching window above 300',
      { maxBatchingWindowSeconds: 301 },
      'jobTypes.echo.maxBatchingWindowSeconds',
    ],
    ['timeout 0', { timeoutSeconds: 0 }, 'jobTypes.echo.timeoutSeconds'],
    ['timeout above 900', { timeoutSeconds: 901 }, 'jobTypes.echo.timeoutSeconds'],
    ['memory below 128', { memoryMiB: 127 }, 'jobTypes.echo.memoryMiB'],
    ['memory above 10240', { memoryMiB: 10_241 }, 'jobTypes.echo.memoryMiB'],
    ['backoffBaseSeconds 0', { backoffBaseSeconds: 0 }, 'jobTypes.echo.backoffBaseSeconds'],
    ['backoffMaxSeconds above 43200', { backoffMaxSeconds: 43_201 }, 'jobTypes.echo.backoffMaxSeconds'],
    [
      'backoffMaxSeconds below backoffBaseSeconds',
      { backoffBaseSeconds: 10, backoffMaxSeconds: 5 },
      'jobTypes.echo.backoffMaxSeconds',
    ],
    ['fractional maxRetries', { maxRetries: 1.5 }, 'jobTypes.echo.maxRetries'],
    ['negative maxRetries', { maxRetries: -1, maxReceiveCount: 3 }, 'jobTypes.echo.maxRetries'],
    ['pollIntervalSeconds below 1', { pollIntervalSeconds: 0.5 }, 'jobTypes.echo.pollIntervalSeconds'],
    ['cancelCheckSeconds below 0.5', { cancelCheckSeconds: 0.2 }, 'jobTypes.echo.cancelCheckSeconds'],
    ['cancelCheckSeconds above 20', { cancelCheckSeconds: 21 }, 'jobTypes.echo.cancelCheckSeconds'],
    ['a negative cancelCheckSeconds', { cancelCheckSeconds: -1 }, 'jobTypes.echo.cancelCheckSeconds'],
    ['a string cancelCheckSeconds', { cancelCheckSeconds: '2' }, 'jobTypes.echo.cancelCheckSeconds'],
    ['an age alarm below a minute', { maxMessageAgeSeconds: 30 }, 'jobTypes.echo.maxMessageAgeSeconds'],
    [
      'a retry schedule that outlives the queue retention',
      { maxRetries: 30, maxReceiveCount: 35, backoffMaxSeconds: 43_200 },
      'jobTypes.echo',
    ],
    ['an unknown job settings field', { timeout: 30 }, 'jobTypes.echo.timeout'],
    ['a string where a number belongs', { timeoutSeconds: '30' }, 'jobTypes.echo.timeoutSeconds'],
  ])('%s, naming the job type and field', (_, overrides, field) => {
    const problems = problemsOf(echo(overrides));
    expect(problems.some((p) => p.startsWith(field))).toBe(true);
  });

  it.each([
    ['maxBodyBytes above 3112960', { maxBodyBytes: 3_112_961 }, 'maxBodyBytes'],
    ['compressAboveBytes above 184320', { compressAboveBytes: 184_321 }, 'compressAboveBytes'],
    ['a negative compressAboveBytes', { compressAboveBytes: -1 }, 'compressAboveBytes'],
    ['a fractional retentionDays', { retentionDays: 1.5 }, 'retentionDays'],
    ['a logRetentionDays CloudWatch Logs does not offer', { logRetentionDays: 31 }, 'logRetentionDays'],
    ['an unknown removalPolicy', { removalPolicy: 'snapshot' }, 'removalPolicy'],
    ['a negative burstLimit', { apiThrottle: { burstLimit: -1 } }, 'apiThrottle.burstLimit'],
    ['an unknown apiThrottle field', { apiThrottle: { rate: 1 } }, 'apiThrottle.rate'],
    ['a malformed alarmEmail', { alarmEmail: 'ops' }, 'alarmEmail'],
    ['a non-boolean manageApiGatewayAccount', { manageApiGatewayAccount: 'yes' }, 'manageApiGatewayAccount'],
    ['a stack name CloudFormation refuses', { stackName: '1-stack' }, 'stackName'],
    ['an unknown top-level field', { maxBody: 1 }, 'asyncEndpoints.maxBody'],
    ['an unknown job type', { jobTypes: { resize: { timeoutSeconds: 5 } } }, 'jobTypes.resize'],
    ['a job type override that is not an object', { jobTypes: { echo: 5 } }, 'jobTypes.echo'],
  ])('%s', (_, input, field) => {
    const problems = problemsOf(input);
    expect(problems.some((p) => p.startsWith(field))).toBe(true);
  });

  it('reserved concurrency that leaves less than 100 of the account unreserved', () => {
    const problems = problemsOf({ accountConcurrency: 200, jobTypes: { echo: { maxConcurrency: 90 } } });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /reserved concurrency of all job types .*echo=90.*exceeds accountConcurrency 200/,
    );
  });

  it('a stack name that makes a queue name longer than SQS allows, naming each queue and its length', () => {
    // 'AsyncEndpoints' plus '_sleep_high_dlq' (15) fits 80 up to a 65-character stack name.
    const ok = 'S'.repeat(65);
    expect(() =>
      resolveConfig({ stackName: ok, jobTypes: { sleep: { highPriorityMaxConcurrency: 2 } } }),
    ).not.toThrow();
    const long = 'S'.repeat(66);
    const problems = problemsOf({ stackName: long, jobTypes: { sleep: { highPriorityMaxConcurrency: 2 } } });
    expect(problems).toEqual([
      `jobTypes.sleep: queue name '${long}_sleep_high_dlq' is 81 characters; SQS allows at most 80 (shorten stackName or the job type's name)`,
    ]);
    // Every queue over the limit is named: with 76 characters, all of them (queue and DLQ of 4 types).
    const all = problemsOf({ stackName: 'S'.repeat(76) });
    expect(all).toHaveLength(8);
    expect(all).toContain(
      `jobTypes.echo: queue name '${'S'.repeat(76)}_echo' is 81 characters; SQS allows at most 80 (shorten stackName or the job type's name)`,
    );
  });

  it('a config that is not an object', () => {
    expect(problemsOf([1, 2])).toEqual(['asyncEndpoints must be an object, got an array']);
  });

  it('lists every violation at once, across fields and job types', () => {
    const problems = problemsOf({
      maxBodyBytes: 4_000_000,
      logRetentionDays: 2,
      bogus: true,
      jobTypes: {
        echo: { maxConcurrency: 10, reservedConcurrency: 4, batchSize: 50 },
        sleep: { timeoutSeconds: 1000, memoryMiB: 64 },
        flaky: { maxRetries: 5, maxReceiveCount: 6 },
      },
    });
    const fields = [
      'maxBodyBytes',
      'logRetentionDays',
      'asyncEndpoints.bogus',
      'jobTypes.echo.reservedConcurrency',
      'jobTypes.echo.maxBatchingWindowSeconds',
      'jobTypes.sleep.timeoutSeconds',
      'jobTypes.sleep.memoryMiB',
      'jobTypes.flaky.maxReceiveCount',
    ];
    for (const field of fields) expect(problems.filter((p) => p.startsWith(field))).toHaveLength(1);
    expect(problems).toHaveLength(fields.length);
  });

  it('puts every violation in the error message', () => {
    expect(() => resolveConfig({ maxBodyBytes: 0, retentionDays: 0 })).toThrow(
      /Invalid 'asyncEndpoints' config:\n- maxBodyBytes .*\n- retentionDays /,
    );
  });
});

describe('loadConfig', () => {
  it('reads the asyncEndpoints object from the app context', () => {
    const app = new App({ context: { asyncEndpoints: { stackName: 'Jobs-Dev', retentionDays: 7 } } });
    expect(loadConfig(app)).toMatchObject({ stackName: 'Jobs-Dev', retentionDays: 7 });
  });

  it('accepts -c asyncEndpoints.<field>=<string> overrides over the object', () => {
    const app = new App({
      context: {
        asyncEndpoints: { stackName: 'FromObject', retentionDays: 7 },
        'asyncEndpoints.stackName': 'FromFlag',
        'asyncEndpoints.maxBodyBytes': '1024',
        'asyncEndpoints.manageApiGatewayAccount': 'true',
      },
    });
    expect(loadConfig(app)).toMatchObject({
      stackName: 'FromFlag',
      retentionDays: 7,
      maxBodyBytes: 1024,
      manageApiGatewayAccount: true,
    });
  });

  it('accepts the whole object as a JSON string, as -c passes it', () => {
    const app = new App({ context: { asyncEndpoints: '{"alarmEmail":"ops@example.com"}' } });
    expect(loadConfig(app).alarmEmail).toBe('ops@example.com');
  });
});
