/**
 * Evaluation requests as AWS builds them: a function's call (its role's session, its role's
 * identity policies, the resource's policy) and a service principal's call on a resource.
 */
import type { EvaluationRequest } from './evaluate';
import type { IamRequestSpec } from './iam-actions';
import type { PolicyDocument } from './resource-policies';
import type { FunctionRole, StackModel } from './stack-model';

/** The policy on a resource; tests pass their own to evaluate a changed policy. */
export type PolicyLookup = (arn: string) => PolicyDocument | undefined;

/** A call made with a function's role, over TLS (every SDK call is). */
export function functionRequest(
  model: StackModel,
  role: FunctionRole,
  spec: IamRequestSpec,
  policyOf: PolicyLookup = (arn) => model.resourcePolicies.for(arn),
): EvaluationRequest {
  const { account } = model.resolver;
  return {
    principal: role.sessionArn,
    action: spec.action,
    resource: spec.resource,
    resourceAccount: account,
    context: {
      'aws:SecureTransport': 'true',
      'aws:PrincipalAccount': account,
      'aws:PrincipalArn': role.roleArn,
      ...spec.context,
    },
    identityPolicies: model.identityPolicies(role.roleLogicalId),
    resourcePolicy: policyOf(spec.resource),
  };
}

/**
 * A call an AWS service makes on behalf of a resource of this account (`source`): the service
 * principal, `aws:SourceAccount` and `aws:SourceArn`, and only the resource's policy.
 */
export function serviceRequest(
  model: StackModel,
  service: string,
  source: string,
  spec: Omit<IamRequestSpec, 'context'> & { readonly context?: IamRequestSpec['context'] },
  policyOf: PolicyLookup = (arn) => model.resourcePolicies.for(arn),
): EvaluationRequest {
  const { account } = model.resolver;
  return {
    principal: service,
    action: spec.action,
    resource: spec.resource,
    resourceAccount: account,
    context: {
      'aws:SecureTransport': 'true',
      'aws:SourceAccount': account,
      'aws:SourceArn': source,
      'aws:PrincipalServiceName': service,
      ...spec.context,
    },
    identityPolicies: [],
    resourcePolicy: policyOf(spec.resource),
  };
}
