/**
 * One IAM request evaluated by a real policy evaluator, `@cloud-copilot/iam-simulate` (AGPL:
 * a dev-only test dependency, never bundled into a Lambda): identity policies, the resource's
 * policy and the request context, with IAM's same-account rules and KMS's key-policy rules.
 * It also reports which identity grants allowed the request, for the unused-grant list.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { type PolicyDocument, type PolicyStatement, statementsOf } from './resource-policies';
import type { NamedPolicy } from './stack-model';

/** One request to evaluate: who, what, on which resource, under which policies. */
export interface EvaluationRequest {
  /** A role session ARN, or a service principal such as `cloudwatch.amazonaws.com`. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource (an S3 ARN carries none). */
  readonly resourceAccount: string;
  readonly context: Readonly<Record<string, string | string[]>>;
  readonly identityPolicies: readonly NamedPolicy[];
  readonly resourcePolicy?: PolicyDocument;
}

/** One (action, resource) pair an identity statement grants. */
export interface Grant {
  readonly policy: string;
  /** Index of the statement in its policy. */
  readonly statement: number;
  readonly action: string;
  readonly resource: string;
}

/** The evaluator's decision on one request. */
export interface Evaluation {
  /** `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or the evaluator's error. */
  readonly result: string;
  readonly allowed: boolean;
  /** Keys ({@link grantKey}) of the identity grants that allowed the request. */
  readonly grantsUsed: readonly string[];
}

/** The key of a grant, as {@link Evaluation.grantsUsed} lists them. */
export function grantKey(grant: Grant): string {
  return `${grant.policy}#${grant.statement}#${grant.action}#${grant.resource}`;
}

/**
 * Every (action, resource) pair the Allow statements of `policies` grant.
 * @throws Error on `NotAction` or `NotResource`, which cannot be listed as pairs
 */
export function grantsOf(policies: readonly NamedPolicy[]): Grant[] {
  return policies.flatMap(({ name, policy }) =>
    statementsOf(policy).flatMap((statement, index) => {
      if (statement.Effect !== 'Allow') return [];
      if (statement.NotAction || statement.NotResource) {
        throw new Error(`${name} statement ${index} uses NotAction/NotResource: list its grants by hand`);
      }
      return list(statement.Action).flatMap((action) =>
        list(statement.Resource).map((resource) => ({ policy: name, statement: index, action, resource })),
      );
    }),
  );
}

/** Evaluates one request. */
export async function evaluate(request: EvaluationRequest): Promise<Evaluation> {
  // Each identity statement gets a Sid naming its policy and index, so the explain names the grant.
  const sids = new Map<string, { policy: string; statement: number }>();
  const identityPolicies = request.identityPolicies.map(({ name, policy }, p) => ({
    name,
    policy: {
      Version: '2012-10-17',
      Statement: statementsOf(policy).map((statement, s): PolicyStatement => {
        const sid = `P${p}S${s}`;
        sids.set(sid, { policy: name, statement: s });
        return { ...statement, Sid: sid };
      }),
    },
  }));
  const response = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: { ...request.context },
      },
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
    },
    { simulationMode: 'Strict' },
  );
  if (response.resultType === 'error') {
    return { result: `evaluator error: ${JSON.stringify(response.errors)}`, allowed: false, grantsUsed: [] };
  }
  const analyses = response.resultType === 'single' ? [response.result] : response.results;
  const grantsUsed = analyses.flatMap((result) =>
    (result.analysis.identityAnalysis?.allowStatements ?? []).flatMap((analysis) => {
      const grant = sids.get(String(analysis.explain.identifier));
      if (!grant) return [];
      const actions = list(analysis.explain.actions)
        .filter((a) => a.matches)
        .map((a) => a.action);
      const resources = list(analysis.explain.resources)
        .filter((r) => r.matches)
        .map((r) => r.resource);
      return actions.flatMap((action) =>
        resources.map((resource) => grantKey({ ...grant, action, resource })),
      );
    }),
  );
  return { result: response.overallResult, allowed: response.overallResult === 'Allowed', grantsUsed };
}

function list<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...value] : [value as T];
}
