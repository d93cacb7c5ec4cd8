/**
 * The queue names an IAM statement's SQS resource pattern covers, in a synthesized template: the
 * pattern (`arn:<partition>:sqs:<region>:<account>:<name pattern>`, from `Fn::Join`) is matched,
 * IAM style (`*` spans anything), against every `AWS::SQS::Queue`'s `QueueName`.
 */
// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation JSON, probed field by field
type Json = Record<string, any>;

/** The name part of a statement's one SQS resource pattern, e.g. `AsyncEndpoints_*_dlq`. */
export function queueNamePattern(resource: unknown): string {
  const parts = (resource as Json)?.['Fn::Join']?.[1];
  const last = Array.isArray(parts) ? parts.at(-1) : undefined;
  if (typeof last !== 'string' || !last.startsWith(':')) {
    throw new Error(`not an SQS ARN pattern built from pseudo parameters: ${JSON.stringify(resource)}`);
  }
  return last.slice(1);
}

/** Every queue name of the template that `pattern` matches, sorted. */
export function queuesMatching(resources: Readonly<Record<string, Json>>, pattern: string): string[] {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return queueNames(resources).filter((name) => regex.test(name));
}

/** Every queue name of the template, sorted. */
export function queueNames(resources: Readonly<Record<string, Json>>): string[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::SQS::Queue')
    .map((r) => String(r.Properties?.QueueName))
    .sort();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
