import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { JobCatalog } from '../../lambdas/core/catalog';
import { defineJobType, type JobType } from '../../lambdas/core/job-type';
import { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { ConfigError, resolveConfig, type StageConfigInput } from '../../lib/config';
import { createTestApp, createTestStack } from '../support/cdk-app';

const job = (name: string, settings: JobType['settings'] = {}) =>
  defineJobType({ name, description: name, input: z.unknown(), settings, handler: async () => null });

function problemsOf(input: StageConfigInput, definitions?: readonly JobType[]): string {
  try {
    resolveConfig(input, definitions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.join('\n');
  }
  throw new Error('expected resolveConfig to throw');
}

const settingsOf = (input: StageConfigInput, name = 'echo', definitions?: readonly JobType[]) =>
  resolveConfig(input, definitions).jobTypes.find((j) => j.name === name)?.settings;

describe('provisioned pollers (config)', () => {
  it('derives the lane ceiling and the reservation from the maximum pollers', () => {
    expect(
      settingsOf({ jobTypes: { echo: { provisionedPollers: { minimum: 2, maximum: 50 } } } }),
    ).toMatchObject({
      provisionedPollers: { minimum: 2, maximum: 50 },
      maxConcurrency: 500,
      reservedConcurrency: 500,
    });
  });

  it('goes past standard mode 1,000 when the account allows it', () => {
    const input = {
      accountConcurrency: 20_000,
      jobTypes: { echo: { provisionedPollers: { minimum: 20, maximum: 1500 } } },
    };
    expect(settingsOf(input)).toMatchObject({ maxConcurrency: 15_000, reservedConcurrency: 15_000 });
  });

  it('runs the high-priority lane in provisioned mode on its own pollers', () => {
    const settings = settingsOf({
      jobTypes: {
        echo: {
          provisionedPollers: { minimum: 2, maximum: 20 },
          highPriorityProvisionedPollers: { minimum: 2, maximum: 5 },
        },
      },
    });
    // The lane is on (its ceiling is derived) and the reservation covers 200 + 50.
    expect(settings).toMatchObject({ highPriorityMaxConcurrency: 50, reservedConcurrency: 250 });
  });

  it.each([
    [{ minimum: 1, maximum: 10 }, /provisionedPollers\.minimum must be an integer in 2\.\.200.*got 1/],
    [{ minimum: 201, maximum: 300 }, /provisionedPollers\.minimum must be an integer in 2\.\.200.*got 201/],
    [{ minimum: 2, maximum: 2001 }, /provisionedPollers\.maximum must be an integer in 2\.\.2000.*got 2001/],
    [{ minimum: 2.5, maximum: 10 }, /provisionedPollers\.minimum must be an integer/],
    [{ minimum: 20, maximum: 10 }, /provisionedPollers\.minimum \(20\) must be at most maximum \(10\)/],
    [{ minimum: 2 }, /provisionedPollers needs numbers minimum and maximum/],
    [{ minimum: 2, maximum: 10, max: 3 }, /provisionedPollers\.max is not a known field/],
    [10, /provisionedPollers must be an object \{ minimum, maximum \}, got number 10/],
  ])('refuses provisionedPollers %j', (pollers, problem) => {
    expect(
      problemsOf({
        accountConcurrency: 30_000,
        jobTypes: { echo: { provisionedPollers: pollers as never } },
      }),
    ).toMatch(problem);
  });

  it('refuses maxConcurrency and pollers set together, rather than ignore one', () => {
    expect(
      problemsOf({
        jobTypes: { echo: { maxConcurrency: 300, provisionedPollers: { minimum: 2, maximum: 10 } } },
      }),
    ).toMatch(
      /jobTypes\.echo: set maxConcurrency or provisionedPollers, not both: .*provisionedPollers\.maximum x 10 \(100\), not maxConcurrency 300/,
    );
    expect(
      problemsOf({
        jobTypes: {
          echo: { highPriorityMaxConcurrency: 5, highPriorityProvisionedPollers: { minimum: 2, maximum: 2 } },
        },
      }),
    ).toMatch(/set highPriorityMaxConcurrency or highPriorityProvisionedPollers, not both/);
  });

  it('refuses a reservation below maximum pollers x 10 of each lane, naming both', () => {
    const problems = problemsOf({
      jobTypes: {
        echo: {
          provisionedPollers: { minimum: 2, maximum: 30 },
          highPriorityMaxConcurrency: 20,
          reservedConcurrency: 310,
        },
      },
    });
    expect(problems).toMatch(
      /jobTypes\.echo\.reservedConcurrency \(310\) must be an integer at least provisionedPollers\.maximum x 10 \+ highPriorityMaxConcurrency \(30 x 10 \+ 20 = 320\)/,
    );
  });

  it('counts the pollers in the account-wide reservation', () => {
    expect(problemsOf({ jobTypes: { echo: { provisionedPollers: { minimum: 2, maximum: 100 } } } })).toMatch(
      /echo=1000.*exceeds accountConcurrency 1000/,
    );
  });

  it('lets the highest layer pick the mode: cdk.json over the file over the profile', () => {
    const files = [
      job('pinned', { maxConcurrency: 7 }),
      job('polled', { provisionedPollers: { minimum: 2, maximum: 4 } }),
      job('plain'),
    ];
    const config = resolveConfig(
      { profile: 'large', jobTypes: { polled: { maxConcurrency: 9 }, plain: { maxConcurrency: 11 } } },
      files,
    );
    const byName = Object.fromEntries(config.jobTypes.map((j) => [j.name, j.settings]));
    // The file's maxConcurrency beats the profile's pollers; cdk.json's beats the file's pollers
    // and the profile's.
    expect(byName.pinned).toMatchObject({ maxConcurrency: 7 });
    expect(byName.pinned?.provisionedPollers).toBeUndefined();
    expect(byName.polled).toMatchObject({ maxConcurrency: 9, reservedConcurrency: 9 });
    expect(byName.polled?.provisionedPollers).toBeUndefined();
    expect(byName.plain?.provisionedPollers).toBeUndefined();
    // ... and the Lambdas resolve the same settings from the file and the settings JSON.
    const runtime = new JobCatalog(files, JSON.parse(config.jobSettingsJson));
    for (const j of config.jobTypes) expect(runtime.get(j.name).settings).toEqual(j.settings);
  });

  it('gives the Lambdas the pollers set in cdk.json (runtime = synth)', () => {
    const files = [job('pinned', { maxConcurrency: 7 })];
    const config = resolveConfig(
      { jobTypes: { pinned: { provisionedPollers: { minimum: 3, maximum: 8 } } } },
      files,
    );
    const runtime = new JobCatalog(files, JSON.parse(config.jobSettingsJson));
    expect(runtime.get('pinned').settings).toEqual(config.jobTypes[0]?.settings);
    expect(runtime.get('pinned').settings).toMatchObject({ maxConcurrency: 80 });
  });
});

describe('provisioned pollers (template)', () => {
  it('gives both lanes a ProvisionedPollerConfig and no ScalingConfig', () => {
    const { stack } = createTestStack({
      jobTypes: {
        sleep: {
          provisionedPollers: { minimum: 3, maximum: 40 },
          highPriorityProvisionedPollers: { minimum: 2, maximum: 6 },
        },
      },
    });
    const template = Template.fromStack(stack);
    const { sleep: lanes, echo } = stack.processors;
    if (!lanes?.highPriority || !echo) throw new Error('expected echo, and sleep with a high-priority lane');
    const idOf = (c: { node: { defaultChild?: unknown } }) =>
      stack.getLogicalId(c.node.defaultChild as CfnElement);
    const fn = idOf(lanes.processor.function);
    const mapping = (queue: string, min: number, max: number) =>
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
        FunctionName: { Ref: fn },
        ProvisionedPollerConfig: { MinimumPollers: min, MaximumPollers: max },
        ScalingConfig: Match.absent(),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    mapping(idOf(lanes.queue), 3, 40);
    mapping(idOf(lanes.highPriority.queue), 2, 6);
    // The reservation covers both lanes: (40 + 6) x 10.
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp("'sleep'"),
      ReservedConcurrentExecutions: 460,
    });
    // The other job types keep standard mode.
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: idOf(echo.processor.function) },
      ScalingConfig: { MaximumConcurrency: 5 },
      ProvisionedPollerConfig: Match.absent(),
    });
  });

  it('synthesizes the large profile with 2 to 100 pollers on every event source', () => {
    const app = createTestApp({ profile: 'large' });
    const config = resolveConfig({ profile: 'large' });
    const template = Template.fromStack(new AsyncEndpointsStack(app, 'Large', { config }));
    template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      ProvisionedPollerConfig: { MinimumPollers: 2, MaximumPollers: 100 },
      ScalingConfig: Match.absent(),
    });
  });
});
