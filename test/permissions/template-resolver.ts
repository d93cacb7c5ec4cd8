/**
 * Turns a synthesized CloudFormation template's intrinsics (`Ref`, `Fn::GetAtt`, `Fn::Join`,
 * `Fn::Sub`, `Fn::Select`, `Fn::Split`, pseudo parameters) into the concrete strings
 * CloudFormation would produce, for a fixed fake account and Region, so IAM policies can be
 * evaluated offline. Physical names come from the resource's name property when the template
 * sets one, otherwise from its logical id (as CloudFormation derives generated names).
 */

/** The fake deployment target every ARN is built for. */
export const FAKE_ACCOUNT = '123456789012';
/** The fake Region every ARN is built for. */
export const FAKE_REGION = 'us-east-1';
/** The partition every ARN is built for. */
export const FAKE_PARTITION = 'aws';

/** A template resource. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** The parts of a synthesized template the resolver reads. */
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
}

/** The property holding a resource type's physical name, when the template may set one. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::SQS::Queue': 'QueueName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::Events::Rule': 'Name',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::ApiGateway::Stage': 'StageName',
};

type Attributes = (name: string) => Record<string, string>;

/** What `Ref: AWS::NoValue` resolves to: dropped from arrays and objects. */
const NO_VALUE = Symbol('AWS::NoValue');

/** `Ref` (key `Ref`) and `Fn::GetAtt` values per resource type, from its physical name. */
function attributesOf(type: string, p: string, r: string, a: string): Attributes | undefined {
  const table: Record<string, Attributes> = {
    'AWS::SQS::Queue': (n) => {
      const url = `https://sqs.${r}.amazonaws.com/${a}/${n}`;
      return { Ref: url, QueueUrl: url, QueueName: n, Arn: `arn:${p}:sqs:${r}:${a}:${n}` };
    },
    'AWS::DynamoDB::Table': (n) => ({
      Ref: n,
      Arn: `arn:${p}:dynamodb:${r}:${a}:table/${n}`,
      StreamArn: `arn:${p}:dynamodb:${r}:${a}:table/${n}/stream/2026-01-01T00:00:00.000`,
    }),
    'AWS::S3::Bucket': (n) => ({
      Ref: n,
      Arn: `arn:${p}:s3:::${n}`,
      DomainName: `${n}.s3.amazonaws.com`,
      RegionalDomainName: `${n}.s3.${r}.amazonaws.com`,
    }),
    'AWS::SNS::Topic': (n) => {
      const arn = `arn:${p}:sns:${r}:${a}:${n}`;
      return { Ref: arn, TopicArn: arn, TopicName: n };
    },
    'AWS::KMS::Key': (n) => ({ Ref: n, KeyId: n, Arn: `arn:${p}:kms:${r}:${a}:key/${n}` }),
    'AWS::IAM::Role': (n) => ({ Ref: n, Arn: `arn:${p}:iam::${a}:role/${n}`, RoleId: `AROA${n}` }),
    'AWS::IAM::ManagedPolicy': (n) => ({ Ref: `arn:${p}:iam::${a}:policy/${n}` }),
    'AWS::Lambda::Function': (n) => ({ Ref: n, Arn: `arn:${p}:lambda:${r}:${a}:function:${n}` }),
    'AWS::Logs::LogGroup': (n) => ({ Ref: n, Arn: `arn:${p}:logs:${r}:${a}:log-group:${n}:*` }),
    'AWS::Events::Rule': (n) => ({ Ref: n, Arn: `arn:${p}:events:${r}:${a}:rule/${n}` }),
    'AWS::CloudWatch::Alarm': (n) => ({ Ref: n, Arn: `arn:${p}:cloudwatch:${r}:${a}:alarm:${n}` }),
    'AWS::ApiGateway::RestApi': (n) => ({ Ref: n, RootResourceId: `${n}-root` }),
    'AWS::ApiGateway::Stage': (n) => ({ Ref: n }),
  };
  return table[type];
}

/**
 * Resolves values of one template.
 * @example
 * const resolver = new TemplateResolver(template, 'AsyncEndpoints');
 * resolver.resolve({ 'Fn::GetAtt': ['JobsTable10C8EDF6', 'Arn'] }); // arn:aws:dynamodb:us-east-1:123456789012:table/...
 */
export class TemplateResolver {
  readonly account = FAKE_ACCOUNT;
  readonly region = FAKE_REGION;
  readonly partition = FAKE_PARTITION;

  constructor(
    readonly template: CfnTemplate,
    readonly stackName: string,
  ) {}

  /** `value` with every intrinsic resolved; `AWS::NoValue` entries dropped. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)).filter((v) => v !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [first] = entries;
    if (entries.length === 1 && first && (first[0] === 'Ref' || first[0].startsWith('Fn::'))) {
      return this.intrinsic(first[0], first[1]);
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of entries) {
      const resolved = this.resolve(v);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  /**
   * `value` resolved to a string.
   * @throws Error when it resolves to something else
   */
  string(value: unknown): string {
    const resolved = this.resolve(value);
    if (typeof resolved !== 'string') throw new Error(`Expected a string, got ${JSON.stringify(resolved)}`);
    return resolved;
  }

  /** The resource's physical name: its name property, or one made from its logical id. */
  physicalName(logicalId: string): string {
    const resource = this.resource(logicalId);
    const property = NAME_PROPERTY[resource.Type];
    const named = property ? resource.Properties?.[property] : undefined;
    if (named !== undefined) return this.string(named);
    const generated = `${this.stackName}-${logicalId}`;
    return resource.Type === 'AWS::S3::Bucket' ? generated.toLowerCase() : generated;
  }

  /** `Ref` of a logical id or pseudo parameter. */
  ref(name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': this.account,
      'AWS::Region': this.region,
      'AWS::Partition': this.partition,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stackName,
      'AWS::StackId': `arn:${this.partition}:cloudformation:${this.region}:${this.account}:stack/${this.stackName}/fake`,
    };
    if (name in pseudo) return pseudo[name] as string;
    const parameter = this.template.Parameters?.[name];
    if (parameter) return String(parameter.Default ?? name);
    return this.attribute(name, 'Ref');
  }

  /**
   * `Fn::GetAtt` of a resource.
   * @throws Error when the resource type or attribute has no fake value here
   */
  attribute(logicalId: string, attribute: string): string {
    const resource = this.resource(logicalId);
    const values = attributesOf(resource.Type, this.partition, this.region, this.account);
    const value = values?.(this.physicalName(logicalId))[attribute];
    if (value !== undefined) return value;
    if (attribute === 'Ref') return logicalId;
    throw new Error(
      `No fake value for ${logicalId}.${attribute} (${resource.Type}): add it to template-resolver.ts`,
    );
  }

  /**
   * The resource behind a logical id.
   * @throws Error naming the id when the template has no such resource
   */
  resource(logicalId: string): CfnResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`The template has no resource ${logicalId}`);
    return resource;
  }

  private intrinsic(name: string, args: unknown): unknown {
    switch (name) {
      case 'Ref':
        return String(args) === 'AWS::NoValue' ? NO_VALUE : this.ref(String(args));
      case 'Fn::GetAtt': {
        const [id, attribute] = Array.isArray(args) ? args : String(args).split(/\.(.*)/);
        return this.attribute(String(id), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = args as [string, unknown];
        return (this.resolve(parts) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Sub':
        return this.sub(args);
      case 'Fn::Select': {
        const [index, list] = args as [unknown, unknown];
        const items = this.resolve(list) as unknown[];
        return items[Number(this.resolve(index))];
      }
      case 'Fn::Split': {
        const [separator, source] = args as [string, unknown];
        return this.string(source).split(separator);
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = (args as unknown[]).map((v) => this.string(v));
        return this.template.Mappings?.[map as string]?.[top as string]?.[second as string];
      }
      default:
        throw new Error(`${name} is not supported by template-resolver.ts`);
    }
  }

  private sub(args: unknown): string {
    const [text, variables] = Array.isArray(args)
      ? (args as [string, Record<string, unknown>])
      : [String(args), {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_match, expression: string) => {
      if (expression in variables) return this.string(variables[expression]);
      const [id, attribute] = expression.split(/\.(.*)/);
      return attribute ? this.attribute(id as string, attribute) : this.ref(id as string);
    });
  }
}
