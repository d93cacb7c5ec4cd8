import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { JobCatalog } from '../../lambdas/core/catalog';
import { KIND_DEFAULTS, resolveJobSettings } from '../../lambdas/core/job-settings';
import { defineJobType, type JobType } from '../../lambdas/core/job-type';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { Env } from '../../lambdas/runtime-env';
import { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { ConfigError, loadConfig, resolveConfig, type StageConfigInput } from '../../lib/config';
import { PROFILE_NAMES, PROFILES, type ProfileJobSettings, type ProfileName } from '../../lib/profiles';
import { createTestApp, createTestStack } from '../support/cdk-app';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;

const job = (name: string, settings: JobType['settings'] = {}) =>
  defineJobType({ name, description: name, input: z.unknown(), settings, handler: async () => null });
const cpuAndIo: readonly JobType[] = [
  job('crunch', { kind: 'cpu' }),
  job('fetch', { kind: 'io' }),
  job('plain'),
  job('tuned', { kind: 'io', maxConcurrency: 7, timeoutSeconds: 45 }),
];

function problemsOf(input: unknown, definitions?: readonly JobType[]): readonly string[] {
  try {
    resolveConfig(input, definitions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected resolveConfig to throw');
}

/** The template of the stack `config` gives, and the config itself. */
function synth(config: StageConfigInput) {
  const { app, stack } = createTestStack(config);
  return { stack, config: loadConfig(app), template: Template.fromStack(stack).toJSON() as Json };
}

const resourcesOf = (template: Json, type: string): Json[] =>
  Object.values(template.Resources as Record<string, Json>).filter((r) => r.Type === type);

describe('scale profiles (config)', () => {
  it('defaults to small, whose values are the stack defaults from before profiles existed', () => {
    const config = resolveConfig({});
    expect(config.profile).toBe('small');
    expect(config).toMatchObject({
      retentionDays: 30,
      apiThrottle: { rateLimit: 500, burstLimit: 1000 },
      accountConcurrency: 1000,
      alarms: PROFILES.small.alarms,
      jobSettingsJson: '{}',
    });
    for (const j of config.jobTypes) {
      expect(j.settings).toMatchObject({
        maxConcurrency: 5,
        reservedConcurrency: 5,
        batchSize: 10,
        maxBatchingWindowSeconds: 0,
      });
    }
  });

  it.each(PROFILE_NAMES)('%s sets scaling per kind, throttling, alarms, retention and the quota', (name) => {
    const profile = PROFILES[name];
    const config = resolveConfig({ profile: name }, cpuAndIo);
    expect(config).toMatchObject({
      profile: name,
      retentionDays: profile.retentionDays,
      apiThrottle: profile.apiThrottle,
      alarms: profile.alarms,
      accountConcurrency: profile.accountConcurrency,
    });
    const settings = Object.fromEntries(config.jobTypes.map((j) => [j.name, j.settings]));
    expect(settings.crunch).toMatchObject({ ...profile.jobs.cpu, kind: 'cpu', ...memoryAndTimeout('cpu') });
    expect(settings.fetch).toMatchObject({ ...profile.jobs.io, kind: 'io', ...memoryAndTimeout('io') });
    expect(settings.plain).toMatchObject({ ...profile.jobs.io, kind: 'io' });
    // The job file beats the profile.
    expect(settings.tuned).toMatchObject({ maxConcurrency: 7, reservedConcurrency: 7, timeoutSeconds: 45 });
    for (const j of config.jobTypes) expect(j.settings.reservedConcurrency).toBe(j.settings.maxConcurrency);
  });

  it('lets cdk.json beat the job file, the profile and the kind, field by field', () => {
    const config = resolveConfig(
      {
        profile: 'large',
        retentionDays: 9,
        apiThrottle: { burstLimit: 3000 },
        alarms: { deadLetterMessages: 2 },
        jobTypes: { tuned: { maxConcurrency: 20 }, crunch: { kind: 'io' }, plain: { memoryMiB: 1024 } },
      },
      cpuAndIo,
    );
    expect(config.retentionDays).toBe(9);
    expect(config.apiThrottle).toEqual({ rateLimit: 10_000, burstLimit: 3000 });
    expect(config.alarms).toEqual({ ...PROFILES.large.alarms, deadLetterMessages: 2 });
    const settings = Object.fromEntries(config.jobTypes.map((j) => [j.name, j.settings]));
    expect(settings.tuned).toMatchObject({ maxConcurrency: 20, reservedConcurrency: 20, timeoutSeconds: 45 });
    // Overriding the kind also picks the profile's row for the new kind.
    expect(settings.crunch).toMatchObject({ kind: 'io', ...PROFILES.large.jobs.io, memoryMiB: 512 });
    expect(settings.plain).toMatchObject({ memoryMiB: 1024, ...PROFILES.large.jobs.io });
  });

  it.each(PROFILE_NAMES)('gives the Lambdas exactly the settings %s provisions (runtime = synth)', (name) => {
    const config = resolveConfig({ profile: name, jobTypes: { plain: { timeoutSeconds: 20 } } }, cpuAndIo);
    const runtime = new JobCatalog(cpuAndIo, JSON.parse(config.jobSettingsJson));
    for (const j of config.jobTypes) expect(runtime.get(j.name).settings).toEqual(j.settings);
  });

  it('rejects an unknown profile, listing the choices', () => {
    expect(problemsOf({ profile: 'huge' })).toEqual([
      'profile must be one of small, medium, large, got string "huge"',
    ]);
  });

  it('rejects an unknown kind, naming the job type', () => {
    const problems = problemsOf({ jobTypes: { echo: { kind: 'gpu' } } });
    expect(problems).toEqual(['jobTypes.echo.kind must be one of io, cpu, got string "gpu"']);
  });

  it('says what quota large assumes when the account has less', () => {
    const problems = problemsOf({ profile: 'large', accountConcurrency: 1000 });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /exceeds accountConcurrency 1000 .*profile 'large' assumes .*10,000.*L-B99A9384/,
    );
  });

  it.each([
    ['a negative 5xx count', { alarms: { api5xxErrors: -1 } }, 'alarms.api5xxErrors'],
    ['a fractional error count', { alarms: { processorErrors: 1.5 } }, 'alarms.processorErrors'],
    ['a dead-letter threshold of 0', { alarms: { deadLetterMessages: 0 } }, 'alarms.deadLetterMessages'],
    ['an unknown alarm field', { alarms: { dlq: 1 } }, 'alarms.dlq'],
  ])('rejects %s', (_, input, field) => {
    expect(problemsOf(input).some((p) => p.startsWith(field))).toBe(true);
  });

  it('reads the profile from -c profile=..., over asyncEndpoints.profile', () => {
    const fromFlag = loadConfig(createTestApp({ profile: 'medium' }, { profile: 'large' }));
    expect(fromFlag.profile).toBe('large');
    expect(loadConfig(createTestApp({ profile: 'medium' })).profile).toBe('medium');
    expect(loadConfig(createTestApp({}, { 'asyncEndpoints.profile': 'medium' })).profile).toBe('medium');
  });
});

/** What a profile row puts on an event-source mapping, and the ceiling it reserves. */
function scalingOf(row: ProfileJobSettings) {
  const mapping = row.provisionedPollers
    ? {
        ProvisionedPollerConfig: {
          MinimumPollers: row.provisionedPollers.minimum,
          MaximumPollers: row.provisionedPollers.maximum,
        },
        ScalingConfig: Match.absent(),
      }
    : { ScalingConfig: { MaximumConcurrency: row.maxConcurrency }, ProvisionedPollerConfig: Match.absent() };
  return { mapping, ceiling: resolveJobSettings(row).maxConcurrency };
}

function memoryAndTimeout(kind: 'cpu' | 'io') {
  const defaults = { memoryMiB: 512, timeoutSeconds: 30, ...KIND_DEFAULTS[kind] };
  return { memoryMiB: defaults.memoryMiB, timeoutSeconds: defaults.timeoutSeconds };
}

describe('scale profiles (template)', () => {
  it('synthesizes the same template with no profile and with profile small', () => {
    expect(synth({}).template).toEqual(synth({ profile: 'small' }).template);
  });

  it.each(['medium', 'large'] as ProfileName[])(
    'provisions %s on every processor, the stage and the functions',
    (name) => {
      const { stack, config, template } = synth({ profile: name });
      const profile = PROFILES[name];
      const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');
      expect(mappings).toHaveLength(jobTypes.length);
      const io = scalingOf(profile.jobs.io);
      Template.fromJSON(template).allResourcesProperties('AWS::Lambda::EventSourceMapping', {
        BatchSize: profile.jobs.io.batchSize,
        MaximumBatchingWindowInSeconds: profile.jobs.io.maxBatchingWindowSeconds,
        ...io.mapping,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
      const reserved = resourcesOf(template, 'AWS::Lambda::Function')
        .map((f) => f.Properties.ReservedConcurrentExecutions)
        .filter((r) => r !== undefined);
      expect(reserved).toEqual(jobTypes.map(() => io.ceiling));
      const [stage] = resourcesOf(template, 'AWS::ApiGateway::Stage');
      expect(stage?.Properties.MethodSettings).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            HttpMethod: '*',
            ResourcePath: '/*',
            ThrottlingRateLimit: profile.apiThrottle.rateLimit,
            ThrottlingBurstLimit: profile.apiThrottle.burstLimit,
          }),
        ]),
      );
      // Retention reaches every function that writes records; the profile's settings reach the
      // functions through the settings baked into their bundles.
      const envs = resourcesOf(template, 'AWS::Lambda::Function').map(
        (f) => f.Properties.Environment?.Variables ?? {},
      );
      for (const env of envs.filter((e) => Env.RetentionDays in e)) {
        expect(env[Env.RetentionDays]).toBe(String(profile.retentionDays));
      }
      expect(stack.api.submitFunction.manifest?.settings).toEqual(JSON.parse(config.jobSettingsJson));
      for (const [jobName, processor] of Object.entries(stack.processors)) {
        expect(processor.processor.manifest?.settings).toEqual(
          jobName in JSON.parse(config.jobSettingsJson)
            ? { [jobName]: JSON.parse(config.jobSettingsJson)[jobName] }
            : {},
        );
      }
      // Every function that uses the table gets the profile's index shard counts.
      const tableEnvs = envs.filter((e) => Env.TableName in e);
      expect(tableEnvs).toHaveLength(6 + jobTypes.length + 1);
      for (const env of tableEnvs) {
        expect(env[Env.TableActiveShards]).toBe(String(profile.table.activeShards));
        expect(env[Env.TableOwnerShards]).toBe(String(profile.table.ownerShards));
      }
      expect(JSON.parse(config.jobSettingsJson)).toMatchObject({
        echo: { maxConcurrency: io.ceiling },
      });
      // The profile's alarm thresholds reach the alarms ("at least N" counts become "more than N - 1").
      const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map((a) => a.Properties);
      const thresholdOf = (name: string) => alarms.find((a) => a.AlarmName === name)?.Threshold;
      expect(thresholdOf(`${config.stackName}-api-Fault-Count-Critical`)).toBe(profile.alarms.api5xxErrors);
      const byName = (fragment: string) =>
        alarms.filter((a) => String(a.AlarmName).includes(fragment)).map((a) => a.Threshold);
      expect(byName('-echo-processor-Fault-Count')).toEqual([profile.alarms.processorErrors]);
      expect(byName('-echo-processor-Throttled')).toEqual([profile.alarms.processorThrottles - 1]);
    },
  );
});

describe('job kinds (template)', () => {
  it('provisions a CPU-bound job type with a whole vCPU, one job per invocation, under each profile', () => {
    for (const name of PROFILE_NAMES) {
      const config = resolveConfig({ profile: name }, cpuAndIo);
      const app = createTestApp();
      const stack = new AsyncEndpointsStack(app, `Kinds-${name}`, { config });
      const template = Template.fromStack(stack);
      const crunch = stack.processors.crunch;
      const fn = stack.getLogicalId(crunch?.processor.function.node.defaultChild as CfnElement);
      const cpu = scalingOf(PROFILES[name].jobs.cpu);
      template.hasResourceProperties('AWS::Lambda::Function', {
        MemorySize: 1769,
        Timeout: 60,
        ReservedConcurrentExecutions: cpu.ceiling,
      });
      expect(template.toJSON().Resources[fn].Properties).toMatchObject({ MemorySize: 1769, Timeout: 60 });
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: fn },
        BatchSize: 1,
        ...cpu.mapping,
      });
    }
  });
});

describe('API keys and usage plans', () => {
  const clients = [
    { name: 'partner', rateLimit: 50, burstLimit: 100, quotaPerDay: 100_000 },
    { name: 'internal', rateLimit: 200, burstLimit: 400 },
  ];

  it('creates no key, plan or key requirement by default', () => {
    const { template } = synth({});
    expect(resourcesOf(template, 'AWS::ApiGateway::ApiKey')).toEqual([]);
    expect(resourcesOf(template, 'AWS::ApiGateway::UsagePlan')).toEqual([]);
    for (const method of resourcesOf(template, 'AWS::ApiGateway::Method')) {
      expect(method.Properties.ApiKeyRequired ?? false).toBe(false);
    }
  });

  it('gives each client a generated key and a usage plan with its throttle and daily quota on the stage', () => {
    const { template } = synth({ apiKeys: { enabled: true, clients } });
    const t = Template.fromJSON(template);
    const keys = resourcesOf(template, 'AWS::ApiGateway::ApiKey');
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key.Properties).not.toHaveProperty('Value');
      expect(key.Properties.Enabled).toBe(true);
    }
    t.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'AsyncEndpoints-partner',
      Throttle: { RateLimit: 50, BurstLimit: 100 },
      Quota: { Limit: 100_000, Period: 'DAY' },
      ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
    });
    t.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'AsyncEndpoints-internal',
      Throttle: { RateLimit: 200, BurstLimit: 400 },
      Quota: Match.absent(),
    });
    t.resourceCountIs('AWS::ApiGateway::UsagePlanKey', 2);
  });

  it('requires the key on the job routes only, not on /admin or /health', () => {
    const { template } = synth({ apiKeys: { enabled: true, clients } });
    const methods = resourcesOf(template, 'AWS::ApiGateway::Method').filter(
      (m) => m.Properties.HttpMethod !== 'OPTIONS',
    );
    const required = methods.filter((m) => m.Properties.ApiKeyRequired === true);
    // GET /jobs, POST/GET/DELETE /jobs/{nameOrId}, POST /jobs/{nameOrId}/retry.
    expect(required).toHaveLength(5);
    for (const m of required) expect(m.Properties.AuthorizationType).toBe('AWS_IAM');
    expect(methods.filter((m) => m.Properties.ApiKeyRequired !== true)).toHaveLength(2);
  });

  it('outputs key ids, never key values', () => {
    const { template } = synth({ apiKeys: { enabled: true, clients } });
    const keyIds = Object.entries(template.Resources as Record<string, Json>)
      .filter(([, r]) => r.Type === 'AWS::ApiGateway::ApiKey')
      .map(([id]) => id);
    const outputs = Object.values(template.Outputs as Record<string, Json>).filter((o) =>
      JSON.stringify(o.Value).includes('Key'),
    );
    expect(outputs.map((o) => o.Value).sort()).toEqual(keyIds.map((id) => ({ Ref: id })).sort());
    expect(JSON.stringify(template)).not.toMatch(/"Value":\s*"[A-Za-z0-9]{20,}"/);
  });

  it.each([
    ['enabled without clients', { enabled: true }, 'apiKeys.clients must list at least one client'],
    [
      'a client rate above the stage rate',
      { enabled: true, clients: [{ name: 'a', rateLimit: 501, burstLimit: 1 }] },
      'apiKeys.clients[0].rateLimit',
    ],
    [
      'a client burst above the stage burst',
      { enabled: true, clients: [{ name: 'a', rateLimit: 1, burstLimit: 1001 }] },
      'apiKeys.clients[0].burstLimit',
    ],
    [
      'a missing rate',
      { enabled: true, clients: [{ name: 'a', burstLimit: 1 }] },
      'apiKeys.clients[0].rateLimit is required',
    ],
    [
      'a duplicate client name',
      {
        enabled: true,
        clients: [
          { name: 'a', rateLimit: 1, burstLimit: 1 },
          { name: 'a', rateLimit: 1, burstLimit: 1 },
        ],
      },
      "apiKeys.clients[1].name 'a' is used twice",
    ],
    [
      'a bad client name',
      { enabled: true, clients: [{ name: 'a b', rateLimit: 1, burstLimit: 1 }] },
      'apiKeys.clients[0].name',
    ],
    [
      'a fractional quota',
      { enabled: true, clients: [{ name: 'a', rateLimit: 1, burstLimit: 1, quotaPerDay: 1.5 }] },
      'apiKeys.clients[0].quotaPerDay',
    ],
    [
      'an unknown field',
      { enabled: true, clients: [{ name: 'a', rateLimit: 1, burstLimit: 1 }], keys: 1 },
      'apiKeys.keys',
    ],
  ])('rejects %s', (_, apiKeys, start) => {
    expect(problemsOf({ apiKeys }).some((p) => p.startsWith(start))).toBe(true);
  });
});
