/**
 * Lambda's 4 KB environment limit, checked at synth: a function whose variables would not fit
 * fails `cdk synth` by name and size instead of failing the deploy.
 *
 * Lambda measures the variables as one JSON object (its error quotes the "String measured"),
 * so the size is that object's UTF-8 length. A value CloudFormation resolves only at deploy (a
 * `Ref`, an ARN, a URL built with `Fn::Join`) counts at the longest it can plausibly resolve
 * to: the longest Region, partition and URL suffix, a 12-digit account, and the longest name
 * the referenced resource type allows (80 for a queue, 255 for a table, 63 for a bucket); a
 * token this file does not know counts as {@link UNKNOWN_TOKEN_BYTES}. The estimate can only be
 * too high, never too low.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';

/** Lambda's limit on all of a function's environment variables together, bytes. */
export const MAX_FUNCTION_ENVIRONMENT_BYTES = 4096;
/** What a token of a kind this file does not know counts as: above any ARN or URL it resolves. */
export const UNKNOWN_TOKEN_BYTES = 512;

/** Longest values of the pseudo parameters (`ap-southeast-5`, `aws-us-gov`, `amazonaws.com.cn`). */
const PSEUDO_BYTES: Readonly<Record<string, number>> = {
  'AWS::Region': 16,
  'AWS::AccountId': 12,
  'AWS::Partition': 10,
  'AWS::URLSuffix': 16,
  'AWS::StackName': 128,
  'AWS::NoValue': 0,
};
const REGION = PSEUDO_BYTES['AWS::Region'] ?? 0;
const ACCOUNT = PSEUDO_BYTES['AWS::AccountId'] ?? 0;
const PARTITION = PSEUDO_BYTES['AWS::Partition'] ?? 0;
const URL_SUFFIX = PSEUDO_BYTES['AWS::URLSuffix'] ?? 0;
/** `arn:<partition>:<service>:<region>:<account>:` */
const arnPrefix = (service: string) => `arn::${service}:::`.length + PARTITION + REGION + ACCOUNT;
/** `https://sqs.<region>.<urlSuffix>/<account>/<name>` */
const QUEUE_URL = 'https://sqs.../'.length + REGION + URL_SUFFIX + ACCOUNT + 80;

/** What `Ref` of a resource type resolves to, at its longest. */
const REF_BYTES: Readonly<Record<string, number>> = {
  'AWS::SQS::Queue': QUEUE_URL,
  'AWS::DynamoDB::Table': 255,
  'AWS::S3::Bucket': 63,
  'AWS::SNS::Topic': arnPrefix('sns') + 256,
  'AWS::Lambda::Function': 64,
  'AWS::IAM::Role': 64,
  'AWS::Logs::LogGroup': 512,
};
/** What `Fn::GetAtt` of a resource type's attribute resolves to, at its longest. */
const GET_ATT_BYTES: Readonly<Record<string, number>> = {
  'AWS::SQS::Queue.Arn': arnPrefix('sqs') + 80,
  'AWS::SQS::Queue.QueueName': 80,
  'AWS::SQS::Queue.QueueUrl': QUEUE_URL,
  'AWS::DynamoDB::Table.Arn': arnPrefix('dynamodb') + 'table/'.length + 255,
  'AWS::S3::Bucket.Arn': arnPrefix('s3') + 63,
  'AWS::Lambda::Function.Arn': arnPrefix('lambda') + 'function:'.length + 64,
  'AWS::IAM::Role.Arn': arnPrefix('iam') + 'role/'.length + 512 + 64,
};

/** One function's estimated environment size. */
export interface FunctionEnvironmentSize {
  /** The function's construct path (its physical name is generated at deploy). */
  readonly path: string;
  /** Estimated size of its variables as Lambda measures them, bytes. */
  readonly bytes: number;
}

// biome-ignore lint/suspicious/noExplicitAny: rendered CloudFormation JSON, probed field by field
type Json = any;

/**
 * A resource as synthesis renders it (property overrides included), tokens resolved to
 * CloudFormation intrinsics. `_toCloudFormation` is CDK's own renderer, internal but what the
 * template is made of; the public route (`Template.fromStack`) would synthesize the whole app.
 */
function render(stack: Stack, resource: CfnResource): Record<string, { Type: string; Properties?: Json }> {
  const fragment = stack.resolve((resource as unknown as { _toCloudFormation(): Json })._toCloudFormation());
  return fragment?.Resources ?? {};
}

/** Every `AWS::Lambda::Function` of `stack`, with its estimated environment size. */
export function functionEnvironmentSizes(stack: Stack): FunctionEnvironmentSize[] {
  const resources = stack.node
    .findAll()
    .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
  // Logical id -> type: what a `Ref` or `Fn::GetAtt` in a variable points at.
  const types = new Map(resources.map((r) => [stack.resolve(r.logicalId) as string, r.cfnResourceType]));
  return resources
    .filter((r) => r.cfnResourceType === 'AWS::Lambda::Function')
    .flatMap((resource) =>
      Object.values(render(stack, resource)).map((r) => ({
        path: resource.node.scope?.node.path ?? resource.node.path,
        bytes: environmentBytes(r.Properties?.Environment?.Variables ?? {}, types),
      })),
    );
}

/** The size of `variables` as the JSON object Lambda measures, tokens at their longest. */
export function environmentBytes(
  variables: Record<string, Json>,
  types: ReadonlyMap<string, string>,
): number {
  const entries = Object.entries(variables);
  if (entries.length === 0) return 0;
  // {"KEY":"value","KEY2":"value"}: braces, commas between entries, and per entry a colon and
  // the quotes around key and value.
  const punctuation = 2 + (entries.length - 1) + entries.length * 5;
  return entries.reduce((sum, [key, value]) => sum + quoted(key) + valueBytes(value, types), punctuation);
}

/** Bytes of a string inside a JSON string (escapes included, quotes not). */
function quoted(text: string): number {
  return Buffer.byteLength(JSON.stringify(text)) - 2;
}

/** A resolved value's longest plausible length, bytes. */
function valueBytes(value: Json, types: ReadonlyMap<string, string>): number {
  if (typeof value === 'string') return quoted(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') {
      const pseudo = PSEUDO_BYTES[value.Ref];
      if (pseudo !== undefined) return pseudo;
      return REF_BYTES[types.get(value.Ref) ?? ''] ?? UNKNOWN_TOKEN_BYTES;
    }
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && getAtt.length === 2) {
      return GET_ATT_BYTES[`${types.get(String(getAtt[0]))}.${getAtt[1]}`] ?? UNKNOWN_TOKEN_BYTES;
    }
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      const parts: Json[] = join[1];
      return (
        parts.reduce((sum: number, part) => sum + valueBytes(part, types), 0) +
        quoted(join[0]) * Math.max(0, parts.length - 1)
      );
    }
  }
  return UNKNOWN_TOKEN_BYTES;
}

/**
 * The refusal of every function of `stack` whose environment would exceed
 * {@link MAX_FUNCTION_ENVIRONMENT_BYTES}, by construct path and estimated size. Call from a
 * validation (`node.addValidation`), when every variable has been added.
 */
export function checkFunctionEnvironments(stack: Stack): string[] {
  return functionEnvironmentSizes(stack)
    .filter((fn) => fn.bytes > MAX_FUNCTION_ENVIRONMENT_BYTES)
    .map(
      (fn) =>
        `Lambda function '${fn.path}' has an environment of about ${fn.bytes} bytes (unresolved values counted at their longest); Lambda allows ${MAX_FUNCTION_ENVIRONMENT_BYTES} bytes for all keys and values together. Bake per-job-type data into the bundle (lambdas/stage-manifest.ts) instead.`,
    );
}
