/**
 * The template's resource policies, resolved and keyed by the ARN they protect: queue policies,
 * bucket policies, topic policies, key policies, table resource policies, and each function's
 * `AWS::Lambda::Permission`s gathered into the policy Lambda builds from them.
 */
import type { TemplateResolver } from './template-resolver';

/** An IAM policy statement, resolved (no intrinsics left). */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** An IAM policy document, resolved. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement | PolicyStatement[];
}

/** The statements of a policy as a list. */
export function statementsOf(policy: PolicyDocument): PolicyStatement[] {
  return Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
}

/** Resource policies by the ARN of the resource they are on. */
export class ResourcePolicies {
  private readonly policies = new Map<string, { sources: string[]; statements: PolicyStatement[] }>();

  constructor(private readonly resolver: TemplateResolver) {
    const { partition } = resolver;
    for (const [id, resource] of Object.entries(resolver.template.Resources)) {
      const props = resource.Properties ?? {};
      const document = () => resolver.resolve(props.PolicyDocument) as PolicyDocument;
      switch (resource.Type) {
        case 'AWS::SQS::QueuePolicy':
          for (const url of resolver.resolve(props.Queues) as string[])
            this.add(queueArnOfUrl(url, partition), id, document());
          break;
        case 'AWS::SNS::TopicPolicy':
          for (const arn of resolver.resolve(props.Topics) as string[]) this.add(arn, id, document());
          break;
        case 'AWS::S3::BucketPolicy':
          this.add(`arn:${partition}:s3:::${resolver.string(props.Bucket)}`, id, document());
          break;
        case 'AWS::KMS::Key':
          this.add(resolver.attribute(id, 'Arn'), id, resolver.resolve(props.KeyPolicy) as PolicyDocument);
          break;
        case 'AWS::DynamoDB::Table': {
          const policy = (props.ResourcePolicy as { PolicyDocument?: unknown } | undefined)?.PolicyDocument;
          if (policy) this.add(resolver.attribute(id, 'Arn'), id, resolver.resolve(policy) as PolicyDocument);
          break;
        }
        case 'AWS::Lambda::Permission':
          this.addPermission(id, props);
          break;
      }
    }
  }

  /**
   * The policy on the resource `arn` names (an object's bucket, an index's table, a function).
   * @throws Error when two template resources each set the whole policy of one resource (the
   *   last one deployed would silently win)
   */
  for(arn: string): PolicyDocument | undefined {
    const managed = /:alias\/aws\/([a-z0-9-]+)$/.exec(arn);
    if (managed) return awsManagedKeyPolicy(managed[1] as string, this.resolver);
    const entry = this.policies.get(owningResource(arn));
    if (!entry) return undefined;
    const replaced = entry.sources.filter((source) => !source.startsWith('permission:'));
    if (replaced.length > 1) {
      throw new Error(
        `${replaced.join(' and ')} each set the whole resource policy of ${arn}: one overwrites the other`,
      );
    }
    return { Version: '2012-10-17', Statement: entry.statements };
  }

  private add(arn: string, source: string, policy: PolicyDocument): void {
    const entry = this.policies.get(arn) ?? { sources: [], statements: [] };
    entry.sources.push(source);
    entry.statements.push(...statementsOf(policy));
    this.policies.set(arn, entry);
  }

  /** A Lambda permission as the statement Lambda adds to the function's policy. */
  private addPermission(id: string, props: Record<string, unknown>): void {
    const r = this.resolver;
    const name = r.string(props.FunctionName);
    const arn = name.startsWith('arn:')
      ? name
      : `arn:${r.partition}:lambda:${r.region}:${r.account}:function:${name}`;
    const principal = r.string(props.Principal);
    const condition: Record<string, Record<string, unknown>> = {};
    if (props.SourceArn !== undefined) condition.ArnLike = { 'AWS:SourceArn': r.string(props.SourceArn) };
    if (props.SourceAccount !== undefined)
      condition.StringEquals = { 'AWS:SourceAccount': r.string(props.SourceAccount) };
    this.add(arn, `permission:${id}`, {
      Statement: {
        Sid: id.replace(/[^A-Za-z0-9]/g, ''),
        Effect: 'Allow',
        Principal:
          principal === '*'
            ? '*'
            : principal.endsWith('.amazonaws.com')
              ? { Service: principal }
              : { AWS: principal },
        Action: r.string(props.Action),
        Resource: arn,
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
      },
    });
  }
}

/**
 * The key policy AWS gives its managed keys (`alias/aws/<service>`): any principal of the account,
 * through that service only. Identity policies need grant nothing.
 */
function awsManagedKeyPolicy(service: string, r: TemplateResolver): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: {
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncrypt*',
        'kms:GenerateDataKey*',
        'kms:CreateGrant',
        'kms:DescribeKey',
      ],
      Resource: '*',
      Condition: {
        StringEquals: {
          'kms:CallerAccount': r.account,
          'kms:ViaService': `${service}.${r.region}.amazonaws.com`,
        },
      },
    },
  };
}

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` -> `arn:<partition>:sqs:<region>:<account>:<name>`. */
export function queueArnOfUrl(url: string, partition: string): string {
  const match = /^https:\/\/sqs\.([^.]+)\.[^/]+\/(\d+)\/(.+)$/.exec(url);
  if (!match) throw new Error(`Not a queue URL: ${url}`);
  const [, region, account, name] = match;
  return `arn:${partition}:sqs:${region}:${account}:${name}`;
}

/** The ARN whose policy governs `arn`: an object's bucket, an index's table, a function's unqualified ARN. */
function owningResource(arn: string): string {
  if (arn.startsWith('arn:') && arn.split(':')[2] === 's3') return arn.split('/')[0] as string;
  if (arn.includes(':dynamodb:')) return arn.replace(/\/(index|stream)\/.*$/, '');
  if (arn.includes(':lambda:')) return arn.split(':').slice(0, 7).join(':');
  return arn;
}
