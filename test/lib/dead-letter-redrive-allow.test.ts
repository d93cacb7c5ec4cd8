/**
 * Each dead-letter queue takes dead letters only from its own source queue
 * (`RedriveAllowPolicy` `byQueue`), without a circular dependency between the two.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { createTestStack } from '../support/cdk-app';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;
type Resources = Record<string, { Type: string; Properties?: Json; DependsOn?: string | string[] }>;

let stack: AsyncEndpointsStack;
let resources: Resources;

beforeAll(() => {
  // A high-priority lane too, so both lanes' pairs are checked.
  ({ stack } = createTestStack({ jobTypes: { sleep: { highPriorityMaxConcurrency: 2, maxBacklog: 100 } } }));
  resources = Template.fromStack(stack).toJSON().Resources;
});

const idOf = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

/** Every (queue, DLQ) pair of the stack, by logical id. */
function lanes(): { name: string; queue: string; dlq: string }[] {
  return Object.entries(stack.processors).flatMap(([name, p]) => [
    { name, queue: idOf(p.queue), dlq: idOf(p.deadLetterQueue) },
    ...(p.highPriority
      ? [
          {
            name: `${name} (high)`,
            queue: idOf(p.highPriority.queue),
            dlq: idOf(p.highPriority.deadLetterQueue),
          },
        ]
      : []),
  ]);
}

/** The ARN CloudFormation will give a queue named `name` in this stack's account and Region. */
function arnOfQueueNamed(name: string): Json {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        ':sqs:',
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${name}`,
      ],
    ],
  };
}

/** Logical ids `value` refers to: `Ref`, `Fn::GetAtt` and `${Id}` in `Fn::Sub`. */
function referencesIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, into);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value as Json)) {
      if (key === 'Ref' && typeof v === 'string') into.add(v);
      else if (key === 'Fn::GetAtt') into.add(Array.isArray(v) ? v[0] : String(v).split('.')[0]);
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        for (const m of String(text).matchAll(/\$\{([A-Za-z0-9]+)(\.[^}]*)?\}/g)) into.add(m[1] as string);
        referencesIn(v, into);
      } else referencesIn(v, into);
    }
  }
  return into;
}

/** A dependency cycle among the resources, as the logical ids along it, or undefined. */
function findCycle(all: Resources): string[] | undefined {
  const edges = new Map(
    Object.entries(all).map(([id, r]) => [
      id,
      [...referencesIn(r.Properties), ...[r.DependsOn ?? []].flat()].filter((to) => to in all),
    ]),
  );
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    path.push(id);
    for (const to of edges.get(id) ?? []) {
      const cycle = visit(to);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('dead-letter queues', () => {
  it('each allows only its own source queue to use it as a dead-letter target', () => {
    const all = lanes();
    expect(all.map((l) => l.name)).toEqual(['echo', 'sleep', 'sleep (high)', 'flaky', 'fail']);
    for (const { name, queue, dlq } of all) {
      const queueName = resources[queue]?.Properties?.QueueName;
      expect(typeof queueName, `${name}: a literal queue name`).toBe('string');
      expect(resources[dlq]?.Properties?.RedriveAllowPolicy, name).toEqual({
        redrivePermission: 'byQueue',
        sourceQueueArns: [arnOfQueueNamed(queueName)],
      });
      // The source queue still points at its own DLQ, by reference.
      expect(resources[queue]?.Properties?.RedrivePolicy.deadLetterTargetArn).toEqual({
        'Fn::GetAtt': [dlq, 'Arn'],
      });
    }
  });

  it('names every source queue differently, so no DLQ admits another lane', () => {
    const names = lanes().map(({ queue }) => resources[queue]?.Properties?.QueueName);
    expect(new Set(names).size).toBe(names.length);
  });

  it('leaves the template without a dependency cycle', () => {
    expect(findCycle(resources)).toBeUndefined();
  });

  it('finds a cycle where there is one (the check can fail)', () => {
    expect(
      findCycle({
        Queue: {
          Type: 'AWS::SQS::Queue',
          Properties: { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] } } },
        },
        Dlq: {
          Type: 'AWS::SQS::Queue',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub, not a JS template
          Properties: { RedriveAllowPolicy: { sourceQueueArns: [{ 'Fn::Sub': '${Queue.Arn}' }] } },
        },
      }),
    ).toEqual(['Queue', 'Dlq', 'Queue']);
  });

  it('still lets the processor send its own copies to its DLQs (IAM, not the redrive allow policy)', () => {
    for (const p of Object.values(stack.processors)) {
      const role = idOf(p.processor.role);
      const statements = Object.values(resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties?.Roles.some((x: Json) => x.Ref === role))
        .flatMap((r) => r.Properties?.PolicyDocument.Statement as Json[]);
      const dlqs = [p.deadLetterQueue, ...(p.highPriority ? [p.highPriority.deadLetterQueue] : [])];
      for (const dlq of dlqs) {
        const arn = JSON.stringify({ 'Fn::GetAtt': [idOf(dlq), 'Arn'] });
        const sends = statements.filter(
          (s) =>
            s.Effect === 'Allow' &&
            [s.Action].flat().includes('sqs:SendMessage') &&
            [s.Resource].flat().some((r) => JSON.stringify(r) === arn),
        );
        expect(sends, `${p.node.id} -> ${dlq.node.id}`).toHaveLength(1);
      }
    }
  });
});
