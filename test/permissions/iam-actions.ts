/**
 * Which IAM actions each recorded SDK call needs, on which resource ARN, with which condition
 * keys. An operation missing from {@link IAM_ACTIONS} is an error naming it, so a new SDK call
 * cannot slip past the permission contract unchecked.
 *
 * Sources: the Service Authorization Reference (actions, resource types, condition keys) and the
 * SQS developer guide on SSE-KMS (producers need `kms:GenerateDataKey` and `kms:Decrypt`,
 * consumers `kms:Decrypt`).
 */
import type { RecordedCall } from '../../local/call-recorder';
import { type StackModel, UncheckableCallError } from './stack-model';

/** One IAM request a recorded call implies. */
export interface IamRequestSpec {
  readonly action: string;
  readonly resource: string;
  /** Condition keys the call sets (the caller's keys are added by the evaluator). */
  readonly context: Readonly<Record<string, string | string[]>>;
}

/** What one SDK operation needs: its actions, and what it needs of a queue's KMS key. */
export interface ActionRule {
  /** IAM actions; for transactions, by item kind (`Put`, `Update`, ...). */
  readonly actions: readonly string[] | Readonly<Record<string, string>>;
  /** `send`: kms:GenerateDataKey + kms:Decrypt; `receive`: kms:Decrypt (SQS queues with a KMS key). */
  readonly kms?: 'send' | 'receive';
}

/** Service -> SDK operation -> what it needs. */
export const IAM_ACTIONS: Readonly<Record<string, Readonly<Record<string, ActionRule>>>> = {
  dynamodb: {
    GetItem: { actions: ['dynamodb:GetItem'] },
    PutItem: { actions: ['dynamodb:PutItem'] },
    UpdateItem: { actions: ['dynamodb:UpdateItem'] },
    DeleteItem: { actions: ['dynamodb:DeleteItem'] },
    Query: { actions: ['dynamodb:Query'] },
    Scan: { actions: ['dynamodb:Scan'] },
    BatchGetItem: { actions: ['dynamodb:BatchGetItem'] },
    BatchWriteItem: { actions: ['dynamodb:BatchWriteItem'] },
    // IAM checks each item of a transaction with the action of its kind.
    TransactWriteItems: {
      actions: {
        Put: 'dynamodb:PutItem',
        Update: 'dynamodb:UpdateItem',
        Delete: 'dynamodb:DeleteItem',
        ConditionCheck: 'dynamodb:ConditionCheckItem',
      },
    },
    TransactGetItems: { actions: { Get: 'dynamodb:GetItem' } },
    DescribeTable: { actions: ['dynamodb:DescribeTable'] },
  },
  sqs: {
    SendMessage: { actions: ['sqs:SendMessage'], kms: 'send' },
    SendMessageBatch: { actions: ['sqs:SendMessage'], kms: 'send' },
    ReceiveMessage: { actions: ['sqs:ReceiveMessage'], kms: 'receive' },
    DeleteMessage: { actions: ['sqs:DeleteMessage'] },
    DeleteMessageBatch: { actions: ['sqs:DeleteMessage'] },
    ChangeMessageVisibility: { actions: ['sqs:ChangeMessageVisibility'] },
    ChangeMessageVisibilityBatch: { actions: ['sqs:ChangeMessageVisibility'] },
    GetQueueAttributes: { actions: ['sqs:GetQueueAttributes'] },
    GetQueueUrl: { actions: ['sqs:GetQueueUrl'] },
    PurgeQueue: { actions: ['sqs:PurgeQueue'] },
  },
  s3: {
    PutObject: { actions: ['s3:PutObject'] },
    // A presigned GetObject is authorized as the signer's s3:GetObject when the URL is used.
    GetObject: { actions: ['s3:GetObject'] },
    HeadObject: { actions: ['s3:GetObject'] },
    DeleteObject: { actions: ['s3:DeleteObject'] },
  },
};

/** Values for the placeholders of a recorded key pattern. */
const KEY_SAMPLES: Record<string, string> = {
  '{id}': '0b0c2d1e-4f5a-4b6c-8d7e-9f0a1b2c3d4e',
  '{sha256}': 'a'.repeat(64),
};

/**
 * The IAM requests one recorded call implies, on the synthesized stack's ARNs.
 * @throws UncheckableCallError when the operation has no rule here, or the call names a
 *   resource the stack does not define
 */
export function iamRequestsFor(call: RecordedCall, model: StackModel): IamRequestSpec[] {
  const rule = IAM_ACTIONS[call.service]?.[call.operation];
  const who = call.jobType ? `${call.function} (${call.jobType})` : call.function;
  if (!rule) {
    throw new UncheckableCallError(
      `${call.service}:${call.operation} (made by ${who}) has no IAM mapping: add it to test/permissions/iam-actions.ts`,
    );
  }
  const actions = Array.isArray(rule.actions)
    ? (rule.actions as readonly string[])
    : [(rule.actions as Record<string, string>)[call.item ?? '']].filter((a): a is string => a !== undefined);
  if (actions.length === 0) {
    throw new UncheckableCallError(
      `${call.service}:${call.operation} item '${call.item}' (made by ${who}) has no IAM mapping`,
    );
  }
  const resource = resourceArn(call, model, who);
  const context: Record<string, string | string[]> = {};
  if (call.attributes) context['dynamodb:Attributes'] = [...call.attributes];
  if (call.select) context['dynamodb:Select'] = call.select;
  const requests: IamRequestSpec[] = actions.map((action) => ({ action, resource, context }));
  const key = call.resource.kind === 'queue' && rule.kms ? model.queueKey(resource) : undefined;
  if (key) {
    const viaSqs = {
      'kms:ViaService': `sqs.${model.resolver.region}.amazonaws.com`,
      'kms:CallerAccount': model.resolver.account,
    };
    const kmsActions = rule.kms === 'send' ? ['kms:GenerateDataKey', 'kms:Decrypt'] : ['kms:Decrypt'];
    requests.push(...kmsActions.map((action) => ({ action, resource: key, context: viaSqs })));
  }
  return requests;
}

function resourceArn(call: RecordedCall, model: StackModel, who: string): string {
  const { resource } = call;
  switch (resource.kind) {
    case 'table':
      return model.tableArn(resource.index);
    case 'queue':
      return model.queueArn(resource.jobType, resource.lane, resource.deadLetter);
    case 'bucket': {
      const key = resource.keyPattern.replace(
        /\{id\}|\{sha256\}/g,
        (placeholder) => KEY_SAMPLES[placeholder] ?? placeholder,
      );
      return `arn:${model.resolver.partition}:s3:::${model.bucketName()}/${key}`;
    }
    case 'unknown':
      throw new UncheckableCallError(
        `${call.service}:${call.operation} (made by ${who}) names '${resource.name}', which the stack does not define`,
      );
  }
}
