import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../local/call-recorder';
import { iamRequestsFor } from './iam-actions';
import type { StackModel } from './stack-model';
import { TemplateResolver } from './template-resolver';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/jobs';
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:echo';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/k';

/** The little of the stack model the mapping reads; the queue has a KMS key. */
const model = {
  resolver: new TemplateResolver({ Resources: {} }, 'Stage'),
  tableArn: (index?: string) => (index ? `${TABLE}/index/${index}` : TABLE),
  queueArn: () => QUEUE,
  queueKey: (arn: string) => (arn === QUEUE ? KEY : undefined),
  bucketName: () => 'payloads',
} as unknown as StackModel;

const call = (over: Partial<RecordedCall>): RecordedCall => ({
  function: 'submit',
  service: 'dynamodb',
  operation: 'GetItem',
  resource: { kind: 'table' },
  calls: 1,
  ...over,
});

describe('iamRequestsFor', () => {
  it('maps a document-client update to dynamodb:UpdateItem on the table, and a query to its index', () => {
    expect(iamRequestsFor(call({ operation: 'UpdateItem' }), model)).toEqual([
      { action: 'dynamodb:UpdateItem', resource: TABLE, context: {} },
    ]);
    expect(
      iamRequestsFor(call({ operation: 'Query', resource: { kind: 'table', index: 'ByOwner' } }), model),
    ).toEqual([{ action: 'dynamodb:Query', resource: `${TABLE}/index/ByOwner`, context: {} }]);
  });

  it('gives BatchGetItem its dynamodb:Attributes and a transaction item the action of its kind', () => {
    expect(iamRequestsFor(call({ operation: 'BatchGetItem', attributes: ['id', 'status'] }), model)).toEqual([
      {
        action: 'dynamodb:BatchGetItem',
        resource: TABLE,
        context: { 'dynamodb:Attributes': ['id', 'status'] },
      },
    ]);
    expect(
      iamRequestsFor(call({ operation: 'TransactWriteItems', item: 'ConditionCheck' }), model)[0]?.action,
    ).toBe('dynamodb:ConditionCheckItem');
  });

  it('adds the KMS actions a queue with a key needs: a send GenerateDataKey and Decrypt, a receive Decrypt', () => {
    const queue = { kind: 'queue', jobType: 'echo', lane: 'normal', deadLetter: false } as const;
    const send = iamRequestsFor(
      call({ service: 'sqs', operation: 'SendMessageBatch', resource: queue }),
      model,
    );
    expect(send.map((r) => `${r.action} ${r.resource}`)).toEqual([
      `sqs:SendMessage ${QUEUE}`,
      `kms:GenerateDataKey ${KEY}`,
      `kms:Decrypt ${KEY}`,
    ]);
    const batchDelete = iamRequestsFor(
      call({ service: 'sqs', operation: 'DeleteMessageBatch', resource: queue }),
      model,
    );
    expect(batchDelete.map((r) => r.action)).toEqual(['sqs:DeleteMessage']);
  });

  it('maps a presigned GetObject to s3:GetObject on a sample object of the key pattern', () => {
    const [request] = iamRequestsFor(
      call({
        service: 's3',
        operation: 'GetObject',
        presigned: true,
        resource: { kind: 'bucket', keyPattern: 'jobs/{id}/result.{sha256}.json.gz' },
      }),
      model,
    );
    expect(request?.action).toBe('s3:GetObject');
    expect(request?.resource).toMatch(
      /^arn:aws:s3:::payloads\/jobs\/[0-9a-f-]{36}\/result\.a{64}\.json\.gz$/,
    );
  });

  it('fails by name on an operation without a mapping, and on a resource the stack lacks', () => {
    expect(() =>
      iamRequestsFor(call({ service: 'sqs', operation: 'StartMessageMoveTask', function: 'redrive' }), model),
    ).toThrow(
      'sqs:StartMessageMoveTask (made by redrive) has no IAM mapping: add it to test/permissions/iam-actions.ts',
    );
    expect(() => iamRequestsFor(call({ resource: { kind: 'unknown', name: 'other-table' } }), model)).toThrow(
      "names 'other-table', which the stack does not define",
    );
  });
});
