/**
 * `npx async-endpoints preflight` end to end against fake accounts (SDK clients mocked): what it
 * prints, the exit code, and the record it merges into a temporary cdk.context.json.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../cli/exit-codes';
import type { CliIo } from '../../cli/io';
import { runCli } from '../../cli/main';
import type { PreflightRecord } from '../../lib/preflight-record';
import type { PreflightReport } from '../../preflight/report';
import {
  ACCOUNT,
  accountMocks,
  KEY,
  mockAccount,
  preflightRecord,
  REGION,
} from '../support/preflight-account';

const mocks = accountMocks();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'preflight-'));
});
afterEach(async () => {
  mocks.reset();
  await rm(dir, { recursive: true, force: true });
});

async function preflight(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), cwd: dir, env: {} };
  const code = await runCli(['preflight', '--region', REGION, ...argv], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const contextFile = async () =>
  JSON.parse(await readFile(path.join(dir, 'cdk.context.json'), 'utf8')) as Record<string, unknown>;
const report = (out: string) => JSON.parse(out) as PreflightReport;

describe('preflight', () => {
  it('refuses the default stage on a quota of 10, naming the quota to raise, and records the account', async () => {
    mockAccount(mocks, { limit: 10 });
    const { code, out } = await preflight();
    expect(code).toBe(ExitCode.DoesNotFit);
    expect(out).toContain('Account 123456789012 in eu-west-1: Lambda allows 10 concurrent executions');
    expect(out).toContain('with a quota of 100 or less no function can reserve any');
    expect(out).toContain('Stack AsyncEndpoints is not deployed');
    expect(out).toMatch(/reserves 20 \(echo 5, sleep 5, flaky 5, fail 5\); 0 are available/);
    expect(out).toMatch(
      /It does not fit; cdk synth will refuse it with:\n- reserved concurrency of all job types/,
    );
    expect(out).toContain(
      'request a quota increase of Lambda "Concurrent executions" (Service Quotas code L-B99A9384) to at least 120',
    );
    expect(out).toContain(`Recorded in cdk.context.json under "${KEY}"`);
    const record = (await contextFile())[KEY] as PreflightRecord;
    expect(record).toMatchObject({ account: ACCOUNT, region: REGION, lambda: { concurrencyLimit: 10 } });
  });

  it('says a quota of 1,000 fits, with a stable --json report', async () => {
    mockAccount(mocks, { limit: 1000 });
    const { code, out } = await preflight('--json');
    expect(code).toBe(ExitCode.Ok);
    expect(report(out)).toMatchObject({
      version: 1,
      fits: true,
      account: ACCOUNT,
      region: REGION,
      stackName: 'AsyncEndpoints',
      contextKey: KEY,
      contextFile: 'cdk.context.json',
      lambda: {
        concurrencyLimit: 1000,
        unreservedConcurrency: 1000,
        minimumUnreserved: 100,
        reservedInAccount: 0,
      },
      stage: {
        profile: 'small',
        deployed: false,
        reservedConcurrency: 'on',
        perJobType: { echo: 5, sleep: 5, flaky: 5, fail: 5 },
        needed: 20,
        available: 900,
        quotaNeeded: 120,
      },
      problems: [],
    });
  });

  it('fits a quota of 10 with reservations off', async () => {
    mockAccount(mocks, { limit: 10 });
    const { code, out } = await preflight('-c', 'asyncEndpoints.reservedConcurrency=off');
    expect(code).toBe(ExitCode.Ok);
    expect(out).toContain(
      "reserves nothing (reservedConcurrency 'off'): its event sources may run up to 20 invocations at once from the unreserved pool of 10, more than it holds",
    );
    expect(out).toContain('It fits');
  });

  it('merges the record into cdk.context.json, keeping other keys and reading the stages an earlier record named', async () => {
    const lookup = 'availability-zones:account=123456789012:region=eu-west-1';
    await writeFile(
      path.join(dir, 'cdk.context.json'),
      JSON.stringify({
        [lookup]: ['eu-west-1a'],
        [KEY]: preflightRecord(1000, {
          stages: { JobsProd: { deployed: false, reservedConcurrency: 0, functions: {} } },
        }),
      }),
    );
    await writeFile(
      path.join(dir, 'cdk.json'),
      JSON.stringify({ context: { asyncEndpoints: { stackName: 'JobsDev' } } }),
    );
    mockAccount(mocks, { limit: 1000, stacks: { JobsProd: { 'prod-echo': 300 } } });
    const { code, out } = await preflight('--json');
    expect(code).toBe(ExitCode.Ok);
    expect(report(out)).toMatchObject({
      stackName: 'JobsDev',
      stage: { reservedByOthers: 300, available: 600 },
    });
    const context = await contextFile();
    expect(context[lookup]).toEqual(['eu-west-1a']);
    expect((context[KEY] as PreflightRecord).stages).toEqual({
      JobsDev: { deployed: false, reservedConcurrency: 0, functions: {} },
      JobsProd: { deployed: true, reservedConcurrency: 300, functions: { 'prod-echo': 300 } },
    });
  });

  it("refuses a second large stage counted against the first one's reservations", async () => {
    mockAccount(mocks, { limit: 5000, stacks: { JobsA: { a1: 1000, a2: 1000, a3: 1000, a4: 1000 } } });
    const { code, out } = await preflight('--stack', 'JobsB', '-c', 'profile=large', '--json');
    expect(code).toBe(ExitCode.DoesNotFit);
    const r = report(out);
    expect(r.stage).toMatchObject({
      needed: 4000,
      reservedByOthers: 4000,
      available: 900,
      quotaNeeded: 8100,
    });
    expect(r.problems).toEqual([expect.stringMatching(/other functions reserve 4000, which leaves 900\./)]);
    const first = await preflight('--stack', 'JobsA', '-c', 'profile=large', '--json');
    expect(first.code).toBe(ExitCode.Ok);
  });

  it('records quotas it may not read as unknown and still answers', async () => {
    mockAccount(mocks, { limit: 1000, serviceQuotas: 'denied' });
    const { code, out } = await preflight();
    expect(code).toBe(ExitCode.Ok);
    expect(out).toContain(
      'Quota Lambda "Concurrent executions" (L-B99A9384): unknown (AccessDeniedException: not authorized).',
    );
  });

  it('exits 3 and writes nothing when the account cannot be read', async () => {
    mockAccount(mocks, { limit: 1000 });
    mocks.sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('expired'), { name: 'ExpiredToken' }));
    const { code, out, err } = await preflight('--json');
    expect(code).toBe(ExitCode.ApiError);
    expect(err).toContain('Error: could not read the account (STS GetCallerIdentity): ExpiredToken: expired');
    expect(JSON.parse(out)).toEqual({
      version: 1,
      fits: false,
      error: expect.stringContaining('ExpiredToken'),
    });
    await expect(readFile(path.join(dir, 'cdk.context.json'))).rejects.toThrow(/ENOENT/);
  });

  it('leaves an unreadable cdk.context.json alone and exits 3', async () => {
    await writeFile(path.join(dir, 'cdk.context.json'), '{ not json');
    mockAccount(mocks, { limit: 1000 });
    const { code, err } = await preflight();
    expect(code).toBe(ExitCode.ApiError);
    expect(err).toMatch(/cdk.context.json is not valid JSON/);
    expect(await readFile(path.join(dir, 'cdk.context.json'), 'utf8')).toBe('{ not json');
  });

  it('writes nothing with --dry-run', async () => {
    mockAccount(mocks, { limit: 1000 });
    const { code, out } = await preflight('--dry-run', '--json');
    expect(code).toBe(ExitCode.Ok);
    expect(report(out).contextFile).toBeNull();
    await expect(readFile(path.join(dir, 'cdk.context.json'))).rejects.toThrow(/ENOENT/);
  });

  it('reports an invalid stage config as not fitting, and still records the account', async () => {
    mockAccount(mocks, { limit: 1000 });
    const { code, out } = await preflight('-c', 'asyncEndpoints.reservedConcurrency=maybe', '--json');
    expect(code).toBe(ExitCode.DoesNotFit);
    expect(report(out)).toMatchObject({
      fits: false,
      stage: null,
      problems: [expect.stringMatching(/reservedConcurrency \(stage level\) must be 'on' or 'off'/)],
    });
    expect(Object.keys(await contextFile())).toEqual([KEY]);
  });

  it('answers bad arguments with exit 2', async () => {
    expect((await preflight('--url', 'http://x')).code).toBe(ExitCode.Usage);
    const noEquals = await preflight('-c', 'profile');
    expect(noEquals.code).toBe(ExitCode.Usage);
    expect(noEquals.err).toContain("-c takes key=value, got 'profile'");
  });
});
