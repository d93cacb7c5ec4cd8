/**
 * Template assertions for priorities (a second queue, DLQ, event source and alarms per job
 * type that enables them) and for backpressure's IAM, plus their synth-time checks.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobCatalog } from '../../lambdas/core/catalog';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { hasHighPriorityLane, lanesOf, laneUrlMap, type StageLanes } from '../../lambdas/queue-names';
import { Env, highPriorityKey } from '../../lambdas/runtime-env';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { ConfigError, resolveConfig } from '../../lib/config';
import { createTestStack } from '../support/cdk-app';
import { queueNamePattern, queuesMatching } from '../support/queue-patterns';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;

let stack: AsyncEndpointsStack;
let template: Template;
let resources: Record<string, { Type: string; Properties?: Json }>;

beforeAll(() => {
  ({ stack } = createTestStack({
    jobTypes: { sleep: { highPriorityMaxConcurrency: 3, maxBacklog: 100 } },
  }));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

function sleepIds() {
  const p = stack.processors.sleep;
  if (!p?.highPriority) throw new Error('expected a high-priority lane for sleep');
  return {
    queue: idOf(p.queue),
    dlq: idOf(p.deadLetterQueue),
    highQueue: idOf(p.highPriority.queue),
    highDlq: idOf(p.highPriority.deadLetterQueue),
    fn: idOf(p.processor.function),
    role: idOf(p.processor.role),
  };
}

function statementsOf(roleId: string): Json[] {
  return ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties?.Roles ?? []).some((r: Json) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties?.PolicyDocument.Statement as Json[]);
}

describe('a job type with priorities', () => {
  it('gets a high-priority queue made like its normal one, with its own DLQ', () => {
    const ids = sleepIds();
    const normal = resources[ids.queue]?.Properties ?? {};
    expect(resources[ids.highQueue]?.Properties).toEqual({
      ...normal,
      QueueName: 'AsyncEndpoints_sleep_high',
      RedrivePolicy: {
        deadLetterTargetArn: arn(ids.highDlq),
        maxReceiveCount: normal.RedrivePolicy.maxReceiveCount,
      },
    });
    // Alike but for the name and the one source queue each admits
    // (test/lib/dead-letter-redrive-allow.test.ts).
    const { RedriveAllowPolicy: _h, ...highDlq } = resources[ids.highDlq]?.Properties ?? {};
    const { RedriveAllowPolicy: _n, ...normalDlq } = resources[ids.dlq]?.Properties ?? {};
    expect(highDlq).toEqual({ ...normalDlq, QueueName: 'AsyncEndpoints_sleep_high_dlq' });
    expect(resources[ids.highQueue]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MaximumMessageSize: 1_048_576,
    });
  });

  it('denies non-TLS access on the high-priority queue and DLQ', () => {
    const ids = sleepIds();
    for (const queueId of [ids.highQueue, ids.highDlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('consumes both queues with the same processor, each with its own MaximumConcurrency', () => {
    const ids = sleepIds();
    const mappings = ofType('AWS::Lambda::EventSourceMapping')
      .map(([, r]) => r.Properties ?? {})
      .filter((p) => p.FunctionName?.Ref === ids.fn);
    expect(mappings).toHaveLength(2);
    const byQueue = Object.fromEntries(mappings.map((p) => [p.EventSourceArn['Fn::GetAtt'][0], p]));
    expect(byQueue[ids.queue]).toMatchObject({ ScalingConfig: { MaximumConcurrency: 5 } });
    expect(byQueue[ids.highQueue]).toMatchObject({
      ScalingConfig: { MaximumConcurrency: 3 },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('reserves the concurrency of both event sources', () => {
    expect(resources[sleepIds().fn]?.Properties?.ReservedConcurrentExecutions).toBe(5 + 3);
  });

  it('gives the processor both lanes and lets it consume and dead-letter both, nothing else', () => {
    const ids = sleepIds();
    // The processor derives its lanes from the settings baked into it, as the stack did.
    const baked = stack.processors.sleep?.processor.manifest?.settings ?? {};
    expect(hasHighPriorityLane(new JobCatalog(jobTypes, baked).get('sleep').settings)).toBe(true);
    expect(resources[ids.fn]?.Properties?.Environment.Variables).toHaveProperty(Env.QueueUrlPrefix);
    // CDK merges statements with the same actions: one for consuming, one for dead-lettering.
    const sqs = statementsOf(ids.role).filter((s) => JSON.stringify(s.Action).includes('sqs:'));
    const resourcesOf = (action: string) =>
      sqs
        .filter((s) => s.Action.includes(action))
        .flatMap((s) => [s.Resource].flat())
        .map((r) => JSON.stringify(r))
        .sort();
    expect(resourcesOf('sqs:ReceiveMessage')).toEqual(
      [arn(ids.highQueue), arn(ids.queue)].map((r) => JSON.stringify(r)).sort(),
    );
    expect(resourcesOf('sqs:SendMessage')).toEqual(
      [arn(ids.dlq), arn(ids.highDlq)].map((r) => JSON.stringify(r)).sort(),
    );
    expect(
      sqs
        .flatMap((s) => [s.Resource].flat())
        .map((r) => JSON.stringify(r))
        .sort(),
    ).toEqual([ids.queue, ids.dlq, ids.highQueue, ids.highDlq].map((id) => JSON.stringify(arn(id))).sort());
  });

  it('gives the other job types no second lane', () => {
    for (const [name, p] of Object.entries(stack.processors)) {
      if (name !== 'sleep') expect(p.highPriority).toBeUndefined();
    }
    const lanes = Object.keys(stack.processors).length + 1;
    expect(ofType('AWS::Lambda::EventSourceMapping')).toHaveLength(lanes);
  });

  it('alarms on the high-priority DLQ and on its oldest message, to the topic', () => {
    // Shapes of the alarms themselves are asserted in test/lib/job-monitoring.test.ts.
    const topic = { Ref: idOf(stack.monitoring.alarmTopic) };
    const high = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) =>
      JSON.stringify(alarm.Properties.AlarmName).includes('sleep-high'),
    );
    const text = JSON.stringify(high);
    expect(text).toContain('ApproximateNumberOfMessagesVisible');
    expect(text).toContain('ApproximateAgeOfOldestMessage');
    for (const alarm of high) expect(alarm.Properties.AlarmActions).toEqual([topic]);
  });
});

describe('functions that send to or drain a job type', () => {
  /** The queue names a function's URL maps end in, derived from its baked lanes as it derives them. */
  const derivedNames = (lanes: StageLanes) =>
    [...Object.values(laneUrlMap('', lanes, 'queue')), ...Object.values(laneUrlMap('', lanes, 'dlq'))]
      .map((suffix) => `AsyncEndpoints_${suffix}`)
      .sort();

  it('derive the URL of every queue of the template, the high-priority lane under `<name>:high`', () => {
    const templateNames = ofType('AWS::SQS::Queue')
      .map(([, r]) => r.Properties?.QueueName as string)
      .sort();
    for (const fn of [stack.api.retryJobFunction, stack.api.redriveFunction, stack.sweeper.function]) {
      const lanes = fn.manifest?.lanes ?? {};
      expect(lanes).toMatchObject({ sleep: true, echo: false });
      expect(derivedNames(lanes)).toEqual(templateNames);
      expect(laneUrlMap('P_', lanes, 'queue')[highPriorityKey('sleep')]).toBe('P_sleep_high');
    }
    // Submit's catalog holds the settings; its lanes follow from them.
    const catalog = new JobCatalog(jobTypes, stack.api.submitFunction.manifest?.settings);
    const submitLanes = lanesOf(
      catalog.names.map((name) => ({ name, settings: catalog.get(name).settings })),
    );
    expect(derivedNames(submitLanes)).toEqual(templateNames);
  });

  it('let submit send to and read the attributes of exactly the job queues (both lanes), for the backlog', () => {
    const ids = sleepIds();
    const sqs = statementsOf(idOf(stack.api.submitFunction.role)).filter((s) =>
      JSON.stringify(s.Action).includes('sqs:'),
    );
    expect(sqs).toHaveLength(1);
    expect(sqs[0]?.Action).toEqual(['sqs:GetQueueAttributes', 'sqs:SendMessage']);
    const queues = Object.values(stack.processors).flatMap((p) => [
      idOf(p.queue),
      ...(p.highPriority ? [idOf(p.highPriority.queue)] : []),
    ]);
    expect(queues).toContain(ids.highQueue);
    expect(((sqs[0]?.Resource ?? []) as Json[]).map((r) => JSON.stringify(r)).sort()).toEqual(
      queues.map((id) => JSON.stringify(arn(id))).sort(),
    );
  });

  it('let redrive receive from the high-priority DLQ and the sweeper send to both high-priority queues', () => {
    const ids = sleepIds();
    const redrive = statementsOf(idOf(stack.api.redriveFunction.role));
    expect(JSON.stringify(redrive)).toContain(JSON.stringify(arn(ids.highQueue)));
    const covered = (statements: Json[], action: string) =>
      statements
        .filter((s) => [s.Action].flat().includes(action))
        .flatMap((s) => queuesMatching(resources, queueNamePattern(s.Resource)));
    expect(covered(redrive, 'sqs:ReceiveMessage')).toContain('AsyncEndpoints_sleep_high_dlq');
    const sweeper = statementsOf(idOf(stack.sweeper.function.role));
    expect(covered(sweeper, 'sqs:SendMessage')).toEqual(
      expect.arrayContaining(['AsyncEndpoints_sleep_high', 'AsyncEndpoints_sleep_high_dlq']),
    );
  });
});

describe('synth-time checks', () => {
  const problems = (jobTypes: Record<string, Record<string, number>>) => {
    try {
      resolveConfig({ jobTypes });
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  };

  it('accepts priorities and a backlog limit, with reserved concurrency covering both lanes by default', () => {
    const config = resolveConfig({ jobTypes: { echo: { highPriorityMaxConcurrency: 4, maxBacklog: 1000 } } });
    const echo = config.jobTypes.find((j) => j.name === 'echo');
    expect(echo?.settings).toMatchObject({
      highPriorityMaxConcurrency: 4,
      maxBacklog: 1000,
      reservedConcurrency: 9,
    });
  });

  it('refuses reserved concurrency below the sum of both event sources', () => {
    expect(
      problems({ echo: { maxConcurrency: 5, highPriorityMaxConcurrency: 4, reservedConcurrency: 8 } }),
    ).toEqual([
      expect.stringMatching(
        /jobTypes\.echo\.reservedConcurrency \(8\).*maxConcurrency \+ highPriorityMaxConcurrency \(5 \+ 4 = 9\)/,
      ),
    ]);
  });

  it.each([
    [{ highPriorityMaxConcurrency: 1 }, 'jobTypes.echo.highPriorityMaxConcurrency'],
    [
      { highPriorityMaxConcurrency: 1001, reservedConcurrency: 1006 },
      'jobTypes.echo.highPriorityMaxConcurrency',
    ],
    [{ highPriorityMaxConcurrency: 2.5 }, 'jobTypes.echo.highPriorityMaxConcurrency'],
    [{ maxBacklog: -1 }, 'jobTypes.echo.maxBacklog'],
    [{ maxBacklog: 1.5 }, 'jobTypes.echo.maxBacklog'],
  ])('refuses %j', (echo, field) => {
    expect(problems({ echo }).join('\n')).toContain(field);
  });

  it('counts both lanes in the account-wide reservation check', () => {
    expect(
      problems({
        echo: { maxConcurrency: 400, highPriorityMaxConcurrency: 400 },
        sleep: { maxConcurrency: 100 },
      }).join('\n'),
    ).toMatch(/echo=800/);
  });
});
