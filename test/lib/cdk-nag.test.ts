import { Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import type { StageConfigInput } from '../../lib/config';
import { createTestStack } from '../support/cdk-app';

/** cdk-nag AwsSolutions findings left unacknowledged on the stack built from `config`. */
function findings(config: StageConfigInput = {}, { ignoreAcknowledgements = false } = {}) {
  const { app, stack } = createTestStack(config);
  const checks = new AwsSolutionsChecks(app);
  // Test-only: shadow cdk-nag's private acknowledgement lookup to see what each one hides.
  if (ignoreAcknowledgements) Object.assign(checks, { isAcknowledged: () => false });
  return checks
    .validateScope(stack)
    .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`));
}

/** Every acknowledgement recorded in the stack: construct path, rule id, reason. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it.each([
    ['the default config', {}],
    [
      'an alarm email and the API Gateway account',
      { alarmEmail: 'ops@example.com', manageApiGatewayAccount: true },
    ],
    ['destroyable resources', { removalPolicy: 'destroy' as const }],
    [
      'the large profile with API keys and usage plans',
      {
        profile: 'large' as const,
        apiKeys: {
          enabled: true,
          clients: [{ name: 'partner', rateLimit: 50, burstLimit: 100, quotaPerDay: 1000 }],
        },
      },
    ],
    ['high-priority queues', { jobTypes: { sleep: { highPriorityMaxConcurrency: 2, maxBacklog: 100 } } }],
    [
      'a warmed job table',
      {
        table: {
          warmThroughput: {
            table: { writeUnitsPerSecond: 18_000 },
            indexes: { Active: { writeUnitsPerSecond: 10_000 }, ByOwner: { writeUnitsPerSecond: 8000 } },
          },
        },
      },
    ],
  ])('reports no unacknowledged finding for %s', (_, config) => {
    expect(findings(config)).toEqual([]);
  });

  // With the opt-in API Gateway account, so its role's acknowledgement is checked too.
  const everything = { manageApiGatewayAccount: true };

  it('acknowledges only findings that exist, each on the resource that raises it', () => {
    const { stack } = createTestStack(everything);
    const hidden = findings(everything, { ignoreAcknowledgements: true });
    for (const ack of acknowledgements(stack)) {
      const raised = hidden.filter(
        (f) => f.startsWith(`${ack.id} ${ack.path}/`) || f === `${ack.id} ${ack.path}`,
      );
      expect(raised, `${ack.id} on ${ack.path}`).not.toEqual([]);
      // Narrowest: the acknowledged construct is the finding's resource or its direct L2 parent.
      for (const f of raised) expect(f.slice(ack.id.length + 1 + ack.path.length)).toMatch(/^(\/Resource)?$/);
    }
  });

  it('gives every acknowledgement the AwsSolutions-XXX id form and a specific reason', () => {
    const { stack } = createTestStack(everything);
    const acks = acknowledgements(stack);
    const functions = stack.node.findAll().filter((c) => c instanceof lambda.Function).length;
    expect(acks.map((a) => a.id).sort()).toEqual(
      [
        // One per function: active tracing's X-Ray writes, which take no resource but '*'.
        ...Array<string>(functions).fill('AwsSolutions-IAM5[Resource::*]'),
        'AwsSolutions-APIG2',
        'AwsSolutions-APIG3',
        'AwsSolutions-APIG4',
        'AwsSolutions-COG4',
        'AwsSolutions-COG4',
        'AwsSolutions-COG4',
        'AwsSolutions-COG4',
        'AwsSolutions-COG4',
        'AwsSolutions-COG4', // POST /jobs/{nameOrId}/retry
        'AwsSolutions-COG4', // POST /admin/jobs/{name}/redrive
        // Payload objects: submit and each of the 4 processors (input), get-job and each processor (result).
        ...Array<string>(5).fill('AwsSolutions-IAM5[Resource::<PayloadsBucket1715615A.Arn>/jobs/*/input.*]'),
        ...Array<string>(5).fill('AwsSolutions-IAM5[Resource::<PayloadsBucket1715615A.Arn>/jobs/*/result.*]'),
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:*]',
        // The stage's queues by name pattern: the sweeper sends to all, it and redrive read the DLQs.
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:AsyncEndpoints_*]',
        ...Array<string>(2).fill(
          'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:AsyncEndpoints_*_dlq]',
        ),
      ].sort(),
    );
    for (const ack of acks) {
      expect(ack.id).toMatch(/^AwsSolutions-[A-Z0-9]+(\[[A-Za-z]+::.+\])?$/);
      expect(ack.reason.length, `${ack.id} reason`).toBeGreaterThanOrEqual(60);
      expect(ack.reason).not.toMatch(/^(n\/a|todo|not needed|false positive)/i);
    }
  });
});
