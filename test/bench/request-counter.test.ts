import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownSqsClient } from '../../bench/support/local';
import { RequestCounter, total } from '../../bench/support/request-counter';
import { startSqs } from '../../local/emulators/sqs';
import { LOCAL_AWS, type SqsEmulator } from '../../local/emulators/types';

describe('RequestCounter', () => {
  let sqs: SqsEmulator;
  let queueUrl: string;
  beforeAll(async () => {
    sqs = await startSqs();
    const created = await sqs.client.send(new CreateQueueCommand({ QueueName: 'counted' }));
    queueUrl = created.QueueUrl ?? '';
  });
  afterAll(() => sqs?.stop());

  it('counts calls by component and operation, and tells empty receives from full ones', async () => {
    const counter = new RequestCounter();
    const producer = counter.attach(ownSqsClient(sqs.endpoint), 'submit');
    const consumer = counter.attach(ownSqsClient(sqs.endpoint), 'event-source');
    await producer.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'a' }));
    await producer.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'b' }));
    let received = 0;
    while (received < 2) {
      const { Messages = [] } = await consumer.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
      );
      received += Messages.length;
    }
    await consumer.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));

    const counts = counter.snapshot();
    expect(counts.submit?.['SQS.SendMessage']).toMatchObject({ calls: 2, attempts: 2 });
    const receives = counts['event-source']?.['SQS.ReceiveMessage'];
    expect(receives?.messages).toBe(2);
    expect(receives?.empty).toBeGreaterThanOrEqual(1);
    expect(receives?.calls).toBe(receives?.attempts);
    expect(total(counts, 'attempts')).toBe(2 + (receives?.attempts ?? 0));
    expect(total(counts, 'attempts', (component) => component === 'submit')).toBe(2);
  });

  it('files a long poll that began before a reset under the counts after it', async () => {
    const counter = new RequestCounter();
    const consumer = counter.attach(ownSqsClient(sqs.endpoint), 'event-source');
    const poll = consumer.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    counter.reset();
    await sqs.client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'late' }));
    const { Messages = [] } = await poll;
    expect(Messages).toHaveLength(1);
    expect(counter.snapshot()['event-source']?.['SQS.ReceiveMessage']).toMatchObject({
      calls: 1,
      attempts: 1,
      messages: 1,
      empty: 0,
    });
  });

  it('counts every HTTP attempt of a call the SDK retries', async () => {
    const counter = new RequestCounter();
    // Nothing listens on port 9: every attempt fails to connect and the SDK retries it.
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        ...LOCAL_AWS,
        endpoint: 'http://127.0.0.1:9',
        maxAttempts: 3,
        retryMode: 'standard',
      }),
    );
    counter.attach(client, 'get-job');
    await expect(client.send(new GetCommand({ TableName: 'jobs', Key: { id: 'x' } }))).rejects.toThrow();
    expect(counter.snapshot()['get-job']?.['DynamoDB.GetItem']).toMatchObject({ calls: 1, attempts: 3 });
  });
});
