import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it } from 'vitest';
import { CallRecorder, type ResourceNames } from '../../local/call-recorder';
import { LOCAL_AWS } from '../../local/emulators/types';
import { loadCallRecords } from './call-records';

const QUEUE_URL = 'http://sqs.us-east-1.localhost:1/000000000000';
const names: ResourceNames = {
  tableName: 'Stage-jobs',
  bucket: 'stage-payloads',
  queues: new Map([
    ['Stage-echo', { jobType: 'echo', lane: 'normal', deadLetter: false }],
    ['Stage-echo-high-dlq', { jobType: 'echo', lane: 'high', deadLetter: true }],
  ]),
};
const ID = '0b0c2d1e-4f5a-4b6c-8d7e-9f0a1b2c3d4e';
const SHA = 'f'.repeat(64);

/** Answers every request with `output` before it leaves the process (presigning never gets here). */
function offline<C extends { middlewareStack: object }>(client: C, output = {}): C {
  (client.middlewareStack as { add: (m: unknown, o: unknown) => void }).add(
    () => async () => ({ response: {}, output: { $metadata: {}, ...output } }),
    { step: 'deserialize', name: 'answerOffline', priority: 'high' },
  );
  return client;
}

const dirs: string[] = [];
function recorder(): { recorder: CallRecorder; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'call-records-'));
  dirs.push(dir);
  return { recorder: new CallRecorder(names, dir), dir };
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const endpoint = { ...LOCAL_AWS, endpoint: 'http://127.0.0.1:1' };

describe('CallRecorder', () => {
  it('records DynamoDB calls with the table, the index and the projected attributes', async () => {
    const { recorder: r } = recorder();
    const documents = DynamoDBDocumentClient.from(offline(new DynamoDBClient(endpoint)));
    r.attach(documents, { function: 'list-jobs' });
    const update = new UpdateCommand({
      TableName: 'Stage-jobs',
      Key: { id: 'a' },
      UpdateExpression: 'SET n = :n',
      ExpressionAttributeValues: { ':n': 1 },
    });
    await documents.send(update);
    await documents.send(update);
    await documents.send(
      new QueryCommand({
        TableName: 'Stage-jobs',
        IndexName: 'ByOwner',
        KeyConditionExpression: 'o = :o',
        ExpressionAttributeValues: { ':o': 'x' },
        Select: 'ALL_PROJECTED_ATTRIBUTES',
      }),
    );
    await documents.send(
      new BatchGetCommand({
        RequestItems: {
          'Stage-jobs': {
            Keys: [{ id: 'a' }],
            ProjectionExpression: '#a0, #a1, history[0]',
            ExpressionAttributeNames: { '#a0': 'status', '#a1': 'id' },
          },
        },
      }),
    );
    await documents.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: 'Stage-jobs', Item: { id: 'b' } } },
          {
            Update: {
              TableName: 'other',
              Key: { id: 'c' },
              UpdateExpression: 'SET n = :n',
              ExpressionAttributeValues: { ':n': 1 },
            },
          },
        ],
      }),
    );
    expect(r.records()).toEqual([
      {
        function: 'list-jobs',
        service: 'dynamodb',
        operation: 'UpdateItem',
        resource: { kind: 'table' },
        calls: 2,
      },
      {
        function: 'list-jobs',
        service: 'dynamodb',
        operation: 'Query',
        resource: { kind: 'table', index: 'ByOwner' },
        select: 'ALL_PROJECTED_ATTRIBUTES',
        calls: 1,
      },
      {
        function: 'list-jobs',
        service: 'dynamodb',
        operation: 'BatchGetItem',
        resource: { kind: 'table' },
        attributes: ['history', 'id', 'status'],
        calls: 1,
      },
      {
        function: 'list-jobs',
        service: 'dynamodb',
        operation: 'TransactWriteItems',
        resource: { kind: 'table' },
        item: 'Put',
        calls: 1,
      },
      {
        function: 'list-jobs',
        service: 'dynamodb',
        operation: 'TransactWriteItems',
        resource: { kind: 'unknown', name: 'other' },
        item: 'Update',
        calls: 1,
      },
    ]);
  });

  it('names queues by job type, lane and role, and files each call under its job type', async () => {
    const { recorder: r } = recorder();
    const sqs = offline(new SQSClient({ ...endpoint, useQueueUrlAsEndpoint: false, md5: false }), {
      MessageId: 'm',
    });
    r.attach(sqs, { function: 'processor', jobType: 'echo' });
    await sqs.send(
      new SendMessageCommand({ QueueUrl: `${QUEUE_URL}/Stage-echo-high-dlq`, MessageBody: '{}' }),
    );
    await sqs.send(new SendMessageCommand({ QueueUrl: `${QUEUE_URL}/elsewhere`, MessageBody: '{}' }));
    expect(r.records().map(({ resource }) => resource)).toEqual([
      { kind: 'queue', jobType: 'echo', lane: 'high', deadLetter: true },
      { kind: 'unknown', name: 'elsewhere' },
    ]);
    expect(r.records()[0]).toMatchObject({
      function: 'processor',
      jobType: 'echo',
      operation: 'SendMessage',
    });
  });

  it("records S3 keys as patterns, and a presigned GetObject as the signer's GetObject", async () => {
    const { recorder: r } = recorder();
    const s3 = offline(new S3Client({ ...endpoint, forcePathStyle: true }));
    r.attach(s3, { function: 'get-job' });
    await s3.send(
      new PutObjectCommand({ Bucket: 'stage-payloads', Key: `jobs/${ID}/input.${SHA}.json.gz`, Body: 'x' }),
    );
    const url = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: 'stage-payloads', Key: `jobs/${ID}/result.${SHA}.json.gz` }),
      { expiresIn: 60 },
    );
    expect(url).toContain('X-Amz-Signature=');
    expect(r.records()).toEqual([
      {
        function: 'get-job',
        service: 's3',
        operation: 'PutObject',
        resource: { kind: 'bucket', keyPattern: 'jobs/{id}/input.{sha256}.json.gz' },
        calls: 1,
      },
      {
        function: 'get-job',
        service: 's3',
        operation: 'GetObject',
        resource: { kind: 'bucket', keyPattern: 'jobs/{id}/result.{sha256}.json.gz' },
        presigned: true,
        calls: 1,
      },
    ]);
  });

  it('refuses one client for two components: their calls could not be told apart', () => {
    const { recorder: r } = recorder();
    const sqs = new SQSClient(endpoint);
    r.attach(sqs, { function: 'submit' });
    expect(() => r.attach(sqs, { function: 'sweeper' })).toThrow(/given to both submit and sweeper/);
  });

  it('writes one file per system, once, that the contract reads back merged', async () => {
    const { recorder: r, dir } = recorder();
    const sqs = offline(new SQSClient({ ...endpoint, useQueueUrlAsEndpoint: false, md5: false }), {
      MessageId: 'm',
    });
    r.attach(sqs, { function: 'submit' });
    await sqs.send(new SendMessageCommand({ QueueUrl: `${QUEUE_URL}/Stage-echo`, MessageBody: '{}' }));
    const file = r.flush();
    expect(file && path.dirname(file)).toBe(dir);
    expect(r.flush()).toBeUndefined();
    expect(readdirSync(dir)).toHaveLength(1);
    expect(JSON.parse(readFileSync(file as string, 'utf8')).calls).toHaveLength(1);
    const again = new CallRecorder(names, dir);
    const other = offline(new SQSClient({ ...endpoint, useQueueUrlAsEndpoint: false, md5: false }), {
      MessageId: 'm',
    });
    again.attach(other, { function: 'submit' });
    await other.send(new SendMessageCommand({ QueueUrl: `${QUEUE_URL}/Stage-echo`, MessageBody: '{}' }));
    again.flush();
    expect(loadCallRecords(dir)).toEqual({
      calls: [expect.objectContaining({ operation: 'SendMessage', calls: 2 })],
      systems: 2,
    });
  });
});

describe('loadCallRecords', () => {
  it('fails loudly when the recording suites did not run first', () => {
    const { dir } = recorder();
    expect(() => loadCallRecords(dir)).toThrow(/No recorded AWS calls .*run it with them, after them/);
    expect(() => loadCallRecords(path.join(dir, 'missing'))).toThrow(/test\/local\/\*\.e2e\.test\.ts/);
  });
});
