/**
 * `cdk synth` with a preflight record in the context (as cdk.context.json supplies it): the
 * stage's reservations are checked against the account the record read, or refused with the two
 * ways out; without a record, today's assumption and one notice.
 */
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { ConfigError, loadConfig, type StageConfigInput } from '../../lib/config';
import { preflightContextKey } from '../../lib/preflight-record';
import { createTestApp } from '../support/cdk-app';
import { ACCOUNT, deployedStage, KEY, preflightRecord, REGION } from '../support/preflight-account';

const ENV = { CDK_DEFAULT_ACCOUNT: ACCOUNT, CDK_DEFAULT_REGION: REGION };

/** Synthesizes the stage with `context` (records by key) as cdk.context.json would give it. */
function synth(
  config: StageConfigInput,
  context: Record<string, unknown>,
  env: Record<string, string> = ENV,
) {
  const app = createTestApp(config, context);
  const stageConfig = loadConfig(app, env);
  const stack = new AsyncEndpointsStack(app, stageConfig.stackName, { config: stageConfig });
  // The stage's concurrency notices only (synth also states its resource count).
  const infos = Annotations.fromStack(stack)
    .findInfo('*', Match.anyValue())
    .map((m) => String(m.entry.data))
    .filter((info) => !info.includes("CloudFormation's 500 resources"));
  return { config: stageConfig, template: Template.fromStack(stack), infos };
}

/** The problems loadConfig reports (fails the test when it does not throw). */
function problems(
  config: StageConfigInput,
  context: Record<string, unknown>,
  env: Record<string, string> = ENV,
) {
  try {
    loadConfig(createTestApp(config, context), env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected loadConfig to throw');
}

const processorReservations = (template: Template) =>
  Object.values(template.findResources('AWS::Lambda::Function'))
    .map(
      (fn) =>
        (fn as { Properties: { ReservedConcurrentExecutions?: number } }).Properties
          .ReservedConcurrentExecutions,
    )
    .filter((n) => n !== undefined);

describe('cdk synth with a preflight record', () => {
  it('refuses the default stage on a quota of 10, naming the quota to raise and both ways out', () => {
    expect(problems({}, { [KEY]: preflightRecord(10) })).toEqual([
      `reserved concurrency of all job types (echo=5, sleep=5, flaky=5, fail=5; total 20) does not fit account ${ACCOUNT} in ${REGION} (preflight of 2026-01-15): its Lambda quota is 10, Lambda keeps 10 of it unreserved and other functions reserve 0, which leaves 0. Stack AsyncEndpoints is not in the record, so it counts as not deployed: if it is, run npx async-endpoints preflight --stack AsyncEndpoints. Two ways out: request a quota increase of Lambda "Concurrent executions" (Service Quotas code L-B99A9384) to at least 120, then run npx async-endpoints preflight again; or set asyncEndpoints.reservedConcurrency to 'off' to deploy without reservations, each event source's MaximumConcurrency then bounding its job type`,
    ]);
  });

  it("fits a quota of 10 with reservedConcurrency 'off': no function reserves, the event sources keep their maximum", () => {
    const { config, template, infos } = synth({ reservedConcurrency: 'off' }, { [KEY]: preflightRecord(10) });
    expect(config.reservedConcurrency).toBe('off');
    expect(config.jobTypes.map((j) => j.reservedConcurrentExecutions)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(processorReservations(template)).toEqual([]);
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    expect(infos).toEqual([]);
  });

  it('fits the default stage on a quota of 1,000 and says once what it checked against', () => {
    const { config, template, infos } = synth({}, { [KEY]: preflightRecord(1000) });
    expect(config.accountConcurrency).toBe(1000);
    expect(processorReservations(template)).toEqual([5, 5, 5, 5]);
    expect(infos).toEqual([
      `Reserved concurrency checked against the preflight record of account ${ACCOUNT} in ${REGION} (preflight of 2026-01-15): quota 1000, 0 reserved by other functions; this stage reserves 20 of the 900 available.`,
    ]);
  });

  it("refuses a second large stage counted against the first one's reservations", () => {
    const record = preflightRecord(5000, { stages: { JobsA: deployedStage(4000) } });
    // The first stage's own reservations are replaced by its update, so it still fits.
    expect(synth({ stackName: 'JobsA', profile: 'large' }, { [KEY]: record }).config.accountConcurrency).toBe(
      5000,
    );
    const refused = problems({ stackName: 'JobsB', profile: 'large' }, { [KEY]: record });
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(
      /total 4000\) does not fit .*quota is 5000, Lambda keeps 100 of it unreserved and other functions reserve 4000, which leaves 900\..* to at least 8100/,
    );
  });

  it('counts reservations outside this project too', () => {
    const record = preflightRecord(1000, {
      reservedElsewhere: 890,
      stages: { AsyncEndpoints: deployedStage(0) },
    });
    expect(problems({}, { [KEY]: record })[0]).toMatch(
      /other functions reserve 890, which leaves 10\. Two ways out/,
    );
  });

  it('lists the refusal with every other problem in one ConfigError', () => {
    const listed = problems({ logRetentionDays: 2 }, { [KEY]: preflightRecord(10) });
    expect(listed).toEqual([
      expect.stringMatching(/^logRetentionDays must be one of/),
      expect.stringMatching(/L-B99A9384/),
    ]);
  });

  it('refuses a record it does not understand, with the other problems', () => {
    const broken = { ...preflightRecord(1000), version: 2 };
    expect(problems({ retentionDays: 0 }, { [KEY]: broken })).toEqual([
      'retentionDays must be an integer >= 1, got 0',
      `context key '${KEY}' is not a preflight record this version understands (version number 2, expected 1); run npx async-endpoints preflight again`,
    ]);
  });
});

describe('which record cdk synth uses', () => {
  const other = preflightContextKey('999999999999', 'us-east-1');
  const otherRecord = preflightRecord(10, { account: '999999999999', region: 'us-east-1' });

  it("uses the CLI's account and Region, not another account's record", () => {
    const context = { [KEY]: preflightRecord(1000), [other]: otherRecord };
    expect(synth({}, context).config.accountConcurrency).toBe(1000);
    expect(
      problems({}, context, { CDK_DEFAULT_ACCOUNT: '999999999999', CDK_DEFAULT_REGION: 'us-east-1' })[0],
    ).toMatch(/quota is 10/);
  });

  it('uses the only record present when the account is not known (an offline synth)', () => {
    expect(problems({}, { [other]: otherRecord }, { CDK_DEFAULT_REGION: 'us-east-1' })[0]).toMatch(
      /quota is 10/,
    );
  });

  it("falls back to the assumption when there is no record for the CLI's account, saying which there are", () => {
    const { infos } = synth({}, { [other]: otherRecord });
    expect(infos).toHaveLength(1);
    expect(infos[0]).toMatch(
      /^No preflight record \(no preflight record for account 123456789012 in eu-west-1 \(there are records for account 999999999999 in us-east-1\)\)/,
    );
  });

  it('uses none of several records when the account is not known', () => {
    const { infos } = synth({}, { [KEY]: preflightRecord(1000), [other]: otherRecord }, {});
    expect(infos[0]).toContain('2 preflight records');
  });
});

describe('cdk synth without a preflight record', () => {
  it("keeps today's check against the profile's assumption and says so once", () => {
    const { config, template, infos } = synth({}, {}, {});
    expect(config.accountConcurrency).toBe(1000);
    expect(processorReservations(template)).toEqual([5, 5, 5, 5]);
    expect(infos).toEqual([
      "No preflight record (no preflight record in cdk.context.json): reserved concurrency (total 20) was checked against accountConcurrency 1000, an assumption, not the account's real quota (new accounts often have 10, which holds no reservation). Run npx async-endpoints preflight with credentials for the target account and Region before the first deploy.",
    ]);
  });

  it('refuses what the assumption cannot hold, as before, now naming the ways out', () => {
    expect(problems({ profile: 'large', accountConcurrency: 1000 }, {}, {})).toEqual([
      expect.stringMatching(
        /^reserved concurrency of all job types .*total 4000\) exceeds accountConcurrency 1000 .*profile 'large' assumes .*Run npx async-endpoints preflight .*L-B99A9384.*reservedConcurrency to 'off'$/,
      ),
    ]);
  });
});

describe("reservedConcurrency 'off'", () => {
  it('refuses provisioned pollers (nothing would bound them) and per-job-type reservations, together', () => {
    const listed = problems(
      {
        profile: 'large',
        reservedConcurrency: 'off',
        jobTypes: { echo: { reservedConcurrency: 50, maxConcurrency: 50 } },
      },
      {},
    );
    expect(listed).toEqual([
      "jobTypes.echo.reservedConcurrency is set but the stage's reservedConcurrency is 'off' (no function reserves concurrency): remove one of them",
      ...['sleep', 'flaky', 'fail'].map((name) =>
        expect.stringMatching(
          new RegExp(
            `^jobTypes\\.${name}\\.provisionedPollers: provisioned pollers need a reservation, .*up to 1000 concurrent invocations`,
          ),
        ),
      ),
    ]);
  });

  it('accepts the large profile off reservations once every job type is back in standard mode', () => {
    const standard = { maxConcurrency: 1000 };
    const { config } = synth(
      {
        profile: 'large',
        reservedConcurrency: 'off',
        jobTypes: { echo: standard, sleep: standard, flaky: standard, fail: standard },
      },
      { [KEY]: preflightRecord(10) },
    );
    expect(config.jobTypes.every((j) => j.settings.provisionedPollers === undefined)).toBe(true);
  });

  it("refuses a stage-level value other than 'on' or 'off'", () => {
    expect(problems({ reservedConcurrency: 5 as never }, {})).toEqual([
      "reservedConcurrency (stage level) must be 'on' or 'off', got number 5; a job type's number goes under jobTypes.<name>.reservedConcurrency",
    ]);
  });
});
