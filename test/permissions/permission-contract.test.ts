/**
 * The permission contract: every AWS call the local end-to-end suites recorded, and every call
 * AWS services make on the stack's behalf, evaluated against the synthesized template's IAM and
 * resource policies with a real IAM evaluator; and every grant of a function role either used by
 * one of them or explained in `unused-grant-reasons.ts`. Emulators enforce no IAM: this is where
 * a missing or stale permission shows before `cdk deploy`.
 *
 * Runs after the recording suites (a later `sequence.groupOrder` in vitest.config.mts); one
 * synth, every evaluation in memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { StageConfigInput } from '../../lib/config';
import type { RecordedCall } from '../../local/call-recorder';
import { createTestStack } from '../support/cdk-app';
import { apiRoutes } from './api-routes';
import { loadCallRecords } from './call-records';
import { evaluate } from './evaluate';
import { ADMIN_POLICY_MARKER, CALLER_POLICY_MARKER, readmePolicy } from './readme-policies';
import { checkRecordedCalls, markUsed, type RecordedCallCheck } from './recorded-calls';
import { type PolicyDocument, statementsOf } from './resource-policies';
import { alarmPaths, type ServicePath, servicePaths } from './service-paths';
import { StackModel } from './stack-model';
import { type UnusedGrantReport, unusedGrants } from './unused-grants';

/** The lanes the recordings used: a job type that sent to a high-priority queue gets that lane. */
function configFor(calls: readonly RecordedCall[]): StageConfigInput {
  const high = new Set(
    calls.flatMap((c) =>
      c.resource.kind === 'queue' && c.resource.lane === 'high' ? [c.resource.jobType] : [],
    ),
  );
  return { jobTypes: Object.fromEntries([...high].map((name) => [name, { highPriorityMaxConcurrency: 2 }])) };
}

/** Runs the paths; returns the ones whose outcome is not `expected`, one line each. */
async function unexpected(paths: readonly ServicePath[], expected: 'Allowed' | 'denied'): Promise<string[]> {
  const wrong: string[] = [];
  for (const path of paths) {
    const { result, allowed } = await evaluate(path.request);
    if (allowed !== (expected === 'Allowed')) wrong.push(`${path.name}: ${result}`);
  }
  return wrong;
}

let model: StackModel;
let recorded: RecordedCallCheck;
let paths: ServicePath[];
let pathFailures: string[];
let unused: UnusedGrantReport;

beforeAll(async () => {
  // Throws, failing every test below, when the recording suites did not run first.
  const records = loadCallRecords();
  model = new StackModel(createTestStack(configFor(records.calls)).stack);
  recorded = await checkRecordedCalls(model, records.calls);
  paths = servicePaths(model);
  pathFailures = [];
  for (const path of paths) {
    const evaluation = await evaluate(path.request);
    if (!evaluation.allowed) pathFailures.push(`${path.name}: ${evaluation.result}`);
    // An event-source mapping reads with the function's role: those grants are in use.
    else if (path.role) markUsed(recorded, path.role.roleLogicalId, evaluation);
  }
  unused = unusedGrants(model, recorded.used);
  report(records.systems);
});

function report(systems: number): void {
  const lines = [...recorded.tallies.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, t]) =>
        `  ${name.padEnd(20)} ${String(t.operations.size).padStart(3)} operations ${t.calls.toLocaleString('en-US').padStart(8)} calls checked (${t.distinct} distinct)`,
    );
  const tallies = [...recorded.tallies.values()];
  const operations = new Set(tallies.flatMap((t) => [...t.operations])).size;
  const pairs = tallies.reduce((sum, t) => sum + t.operations.size, 0);
  const calls = tallies.reduce((sum, t) => sum + t.calls, 0);
  const distinct = tallies.reduce((sum, t) => sum + t.distinct, 0);
  console.log(
    [
      `Permission contract: calls recorded by ${systems} local systems, per function`,
      ...lines,
      `Permission contract: ${operations} distinct operations (${pairs} function-operation pairs), ` +
        `${calls.toLocaleString('en-US')} calls checked (${distinct} distinct, ${recorded.requests} IAM requests), ` +
        `${recorded.denials.length} denied, ${recorded.uncheckable.length} uncheckable; ` +
        `${paths.length} service paths, ${pathFailures.length} denied; ` +
        `${unused.grants} grants, ${unused.withReason.length + unused.withoutReason.length} unused ` +
        `(${unused.withReason.length} with a reason, ${unused.withoutReason.length} without; ` +
        `${unused.coveredByJobType} more used only for another job type or lane)`,
    ].join('\n'),
  );
}

describe('the permission contract: recorded calls', () => {
  it('maps every recorded call to IAM actions on a resource the stack defines', () => {
    expect(recorded.uncheckable).toEqual([]);
  });

  it('allows every recorded call of every function', () => {
    const lines = recorded.denials.map((d) => `${d.function}: ${d.action} on ${d.resource}: ${d.result}`);
    expect(lines).toEqual([]);
  });
});

describe('the permission contract: grants', () => {
  it('explains every grant no call used, and explains no grant that is gone or used', () => {
    const lines = unused.withoutReason.map((g) => `${g.function}: ${g.action} on ${g.label} (${g.resource})`);
    expect(
      lines,
      'unused grants without a reason in unused-grant-reasons.ts: remove them, or explain them',
    ).toEqual([]);
    expect(unused.staleReasons, 'reasons that match no unused grant: remove them').toEqual([]);
  });
});

describe('the permission contract: service paths', () => {
  it('lets every AWS service path through (alarms, API Gateway, EventBridge, event-source mappings)', () => {
    expect(pathFailures).toEqual([]);
    const kinds = ['CloudWatch alarm', 'API Gateway', 'EventBridge rule', 'event-source mapping'];
    for (const kind of kinds)
      expect(
        paths.some((p) => p.name.startsWith(kind)),
        kind,
      ).toBe(true);
  });

  it('reports the alarms denied by the topic policy without its CloudWatch Allow (the pre-fix policy)', async () => {
    const topicArn = model.resolver.attribute(model.logicalId(model.stack.monitoring.alarmTopic), 'TopicArn');
    const current = model.resourcePolicies.for(topicArn);
    if (!current) throw new Error('The alarm topic has no topic policy');
    const preFix: PolicyDocument = {
      ...current,
      Statement: statementsOf(current).filter(
        (s) => !(s.Effect === 'Allow' && JSON.stringify(s.Principal).includes('cloudwatch')),
      ),
    };
    const publishes = alarmPaths(model, (arn) =>
      arn === topicArn ? preFix : model.resourcePolicies.for(arn),
    ).filter((p) => p.name.includes('sns:Publish'));
    expect(publishes.length).toBeGreaterThan(0);
    expect(await unexpected(publishes, 'denied')).toEqual([]);
  });
});

describe('the permission contract: the README example policies', () => {
  const personas = () => {
    const { region, account } = model.resolver;
    const apiId = model.resolver.ref(model.logicalId(model.stack.api.api));
    const values = { region, account, apiId };
    const caller = { name: 'caller', policy: readmePolicy(CALLER_POLICY_MARKER, values) };
    const admin = { name: 'admin', policy: readmePolicy(ADMIN_POLICY_MARKER, values) };
    const routes = apiRoutes(model.resolver).filter((r) => r.authorization === 'AWS_IAM');
    return { caller, admin, routes, account };
  };
  const invoke = async (policies: { name: string; policy: PolicyDocument }[], arn: string, account: string) =>
    evaluate({
      principal: `arn:aws:iam::${account}:role/ReadmeExample`,
      action: 'execute-api:Invoke',
      resource: arn,
      resourceAccount: account,
      context: { 'aws:SecureTransport': 'true' },
      identityPolicies: policies,
    });

  it('lets a caller reach every job route and not the admin route', async () => {
    const { caller, routes, account } = personas();
    const wrong: string[] = [];
    for (const route of routes) {
      const admin = route.path.startsWith('/admin/');
      const { allowed } = await invoke([caller], route.executeApiArn, account);
      if (allowed === admin) wrong.push(`${route.method} ${route.path}: ${allowed ? 'allowed' : 'denied'}`);
    }
    expect(routes.some((r) => r.path.startsWith('/admin/'))).toBe(true);
    expect(wrong).toEqual([]);
  });

  it('would not keep callers off the admin route with the wildcard it replaced (`.../prod/*/jobs*`)', async () => {
    const { routes, account } = personas();
    const apiId = model.resolver.ref(model.logicalId(model.stack.api.api));
    const { region } = model.resolver;
    const wildcard = {
      name: 'old',
      policy: {
        Statement: {
          Effect: 'Allow' as const,
          Action: 'execute-api:Invoke',
          Resource: `arn:aws:execute-api:${region}:${account}:${apiId}/prod/*/jobs*`,
        },
      },
    };
    const admin = routes.find((r) => r.path.startsWith('/admin/'));
    if (!admin) throw new Error('The API has no admin route');
    expect((await invoke([wildcard], admin.executeApiArn, account)).allowed).toBe(true);
  });

  it('lets an admin (caller and admin policies) reach every route', async () => {
    const { caller, admin, routes, account } = personas();
    const wrong: string[] = [];
    for (const route of routes) {
      if (!(await invoke([caller, admin], route.executeApiArn, account)).allowed)
        wrong.push(`${route.method} ${route.path}`);
    }
    expect(wrong).toEqual([]);
  });
});
