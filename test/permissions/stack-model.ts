/**
 * The synthesized stack as the permission contract sees it: each function's role and the
 * identity policies attached to it, the ARNs of the resources the recorded calls name, and the
 * resource policies on them. Everything is found from the stack object's public fields (logical
 * ids) and the template's structure, never from physical names, so renaming queues or adding
 * resources does not break it.
 */
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import type { JobFunction } from '../../lib/constructs/job-function';
import type { QueueLane } from '../../local/call-recorder';
import { type PolicyDocument, ResourcePolicies } from './resource-policies';
import { type CfnTemplate, TemplateResolver } from './template-resolver';

/** A recorded call the contract cannot check: an unmapped operation, or a function or resource the stack lacks. */
export class UncheckableCallError extends Error {
  override readonly name = 'UncheckableCallError';
}

/** One function of the stack, with its role, as ARNs. */
export interface FunctionRole {
  /** `submit`, `sweeper`, `processor echo`, ... */
  readonly label: string;
  readonly roleLogicalId: string;
  readonly roleArn: string;
  /** The principal its calls are made as: the role's Lambda session. */
  readonly sessionArn: string;
  readonly functionLogicalId: string;
  readonly functionArn: string;
  readonly logGroupArn: string;
}

/** An identity policy attached to a role, resolved. */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

/** Where the calls a recorded component makes are authorized. */
export interface Site {
  readonly function: string;
  readonly jobType?: string;
}

/** The stack's functions, roles, resources and policies, resolved for the fake account. */
export class StackModel {
  readonly template: CfnTemplate;
  readonly resolver: TemplateResolver;
  readonly resourcePolicies: ResourcePolicies;
  private readonly functions = new Map<string, FunctionRole>();

  constructor(readonly stack: AsyncEndpointsStack) {
    this.template = Template.fromStack(stack).toJSON() as CfnTemplate;
    this.resolver = new TemplateResolver(this.template, stack.stackName);
    this.resourcePolicies = new ResourcePolicies(this.resolver);
    const { api } = stack;
    const named: [string, JobFunction][] = [
      ['submit', api.submitFunction],
      ['get-job', api.getJobFunction],
      ['list-jobs', api.listJobsFunction],
      ['cancel-job', api.cancelJobFunction],
      ['retry-job', api.retryJobFunction],
      ['redrive', api.redriveFunction],
      ['sweeper', stack.sweeper.function],
      ...Object.entries(stack.processors).map(
        ([name, p]) => [`processor ${name}`, p.processor] as [string, JobFunction],
      ),
    ];
    for (const [label, fn] of named) this.functions.set(label, this.describe(label, fn));
  }

  /** Every function's role, in a stable order. */
  functionRoles(): FunctionRole[] {
    return [...this.functions.values()];
  }

  /**
   * The role a recorded component's calls are made with: an event source's are the processor's
   * (the event-source mapping uses the function's execution role).
   * @throws UncheckableCallError naming the component when the stack has no such function
   */
  roleOf(site: Site): FunctionRole {
    const label =
      site.function === 'processor' || site.function === 'event-source'
        ? `processor ${site.jobType}`
        : site.function;
    const role = this.functions.get(label);
    if (!role)
      throw new UncheckableCallError(`The stack has no function for recorded component '${siteLabel(site)}'`);
    return role;
  }

  /** The function (and its role) whose resolved ARN is `arn`, if any. */
  functionByArn(arn: string): FunctionRole | undefined {
    return this.functionRoles().find((fn) => fn.functionArn === arn);
  }

  /**
   * The identity policies attached to a role: `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy`
   * resources naming it, and its inline `Policies`.
   * @throws Error when the role has AWS managed policies, which cannot be evaluated offline
   */
  identityPolicies(roleLogicalId: string): NamedPolicy[] {
    const policies: NamedPolicy[] = [];
    const isThisRole = (ref: unknown) => (ref as { Ref?: string }).Ref === roleLogicalId;
    for (const [id, resource] of Object.entries(this.template.Resources)) {
      const props = resource.Properties ?? {};
      if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
        if (((props.Roles ?? []) as unknown[]).some(isThisRole)) {
          policies.push({ name: id, policy: this.resolver.resolve(props.PolicyDocument) as PolicyDocument });
        }
      }
    }
    const role = this.resolver.resource(roleLogicalId).Properties ?? {};
    for (const inline of (role.Policies ?? []) as { PolicyName: unknown; PolicyDocument: unknown }[]) {
      const policy = this.resolver.resolve(inline.PolicyDocument) as PolicyDocument;
      policies.push({ name: `${roleLogicalId}/${this.resolver.string(inline.PolicyName)}`, policy });
    }
    const managed = (role.ManagedPolicyArns ?? []) as unknown[];
    if (managed.length > 0) {
      throw new Error(
        `${roleLogicalId} has managed policies ${JSON.stringify(this.resolver.resolve(managed))}: ` +
          'only policies defined in the template can be evaluated offline',
      );
    }
    return policies;
  }

  /** The job table's ARN, or one index's. */
  tableArn(index?: string): string {
    const arn = this.arnOf(this.stack.table.table);
    return index ? `${arn}/index/${index}` : arn;
  }

  /**
   * The ARN of a job type's queue or DLQ in a lane.
   * @throws UncheckableCallError when the synthesized stack lacks that job type or lane
   */
  queueArn(jobType: string, lane: QueueLane, deadLetter: boolean): string {
    const processor = this.stack.processors[jobType];
    const queues = lane === 'high' ? processor?.highPriority : processor;
    if (!queues)
      throw new UncheckableCallError(`The synthesized stack has no ${lane} lane for job type '${jobType}'`);
    return this.arnOf(deadLetter ? queues.deadLetterQueue : queues.queue);
  }

  /**
   * The KMS key of the queue `queueArn` names, as an ARN (a key ARN, or an alias ARN such as
   * `alias/aws/sqs`); undefined when the queue sets no `KmsMasterKeyId` (SQS-managed SSE).
   */
  queueKey(queueArn: string): string | undefined {
    const r = this.resolver;
    for (const [id, resource] of Object.entries(this.template.Resources)) {
      if (resource.Type !== 'AWS::SQS::Queue' || r.attribute(id, 'Arn') !== queueArn) continue;
      const key = resource.Properties?.KmsMasterKeyId;
      if (key === undefined) return undefined;
      const value = r.string(key);
      if (value.startsWith('arn:')) return value;
      return `arn:${r.partition}:kms:${r.region}:${r.account}:${value.startsWith('alias/') ? value : `key/${value}`}`;
    }
    return undefined;
  }

  /** The payload bucket's name. */
  bucketName(): string {
    return this.resolver.string(this.resolver.ref(this.logicalId(this.stack.payloads.bucket)));
  }

  /** The logical id of a construct's CloudFormation resource (its default child, or itself). */
  logicalId(construct: IConstruct): string {
    const element = (construct.node.defaultChild ?? construct) as CfnElement;
    return Stack.of(construct).getLogicalId(element);
  }

  /** The resolved `Arn` attribute of a construct's resource. */
  arnOf(construct: IConstruct): string {
    return this.resolver.attribute(this.logicalId(construct), 'Arn');
  }

  private describe(label: string, fn: JobFunction): FunctionRole {
    const roleLogicalId = this.logicalId(fn.role);
    const functionLogicalId = this.logicalId(fn.function);
    const roleName = this.resolver.physicalName(roleLogicalId);
    const functionName = this.resolver.physicalName(functionLogicalId);
    const { account, partition } = this.resolver;
    return {
      label,
      roleLogicalId,
      roleArn: this.resolver.attribute(roleLogicalId, 'Arn'),
      sessionArn: `arn:${partition}:sts::${account}:assumed-role/${roleName}/${functionName}`,
      functionLogicalId,
      functionArn: this.resolver.attribute(functionLogicalId, 'Arn'),
      logGroupArn: this.arnOf(fn.logGroup),
    };
  }
}

/** `submit`, or `processor (echo)` for a component of one job type. */
export function siteLabel(site: Site): string {
  return site.jobType ? `${site.function} ${site.jobType}` : site.function;
}
