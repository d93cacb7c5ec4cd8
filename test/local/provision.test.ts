/**
 * The local mode creates the stage's queues under the names the stack gives them, and derives
 * their URLs from one prefix exactly as the Lambda entries do.
 */
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lanesOf, laneUrlMap, stageQueues } from '../../lambdas/queue-names';
import { resolveConfig } from '../../lib/config';
import { startDynamoDb } from '../../local/emulators/dynamodb';
import { startSqs } from '../../local/emulators/sqs';
import type { DynamoDbEmulator, SqsEmulator } from '../../local/emulators/types';
import { provision } from '../../local/provision';

let sqs: SqsEmulator;
let dynamodb: DynamoDbEmulator;
beforeAll(async () => {
  [sqs, dynamodb] = await Promise.all([startSqs(), startDynamoDb({ prefer: 'dynalite' })]);
});
afterAll(async () => {
  await Promise.all([sqs?.stop(), dynamodb?.stop()]);
});

describe('provision', () => {
  it("names every queue as the stack does, and the functions' derived URLs are the emulator's", async () => {
    const config = resolveConfig({
      stackName: 'Local',
      jobTypes: { sleep: { highPriorityMaxConcurrency: 2 } },
    });
    const provisioned = await provision(config, {
      dynamodb: dynamodb.client,
      sqs: sqs.client,
      s3: sqs.s3Client,
    });
    const lanes = lanesOf(config.jobTypes);

    const { QueueUrls = [] } = await sqs.client.send(new ListQueuesCommand({ QueueNamePrefix: 'Local_' }));
    const names = QueueUrls.map((url) => url.slice(url.lastIndexOf('/') + 1)).sort();
    expect(names).toEqual(
      stageQueues('Local', lanes)
        .map((q) => q.name)
        .sort(),
    );
    expect(names).toContain('Local_sleep_high_dlq');

    expect(provisioned.queueUrlPrefix).toMatch(/\/Local_$/);
    const queueUrls = laneUrlMap(provisioned.queueUrlPrefix, lanes, 'queue');
    const dlqUrls = laneUrlMap(provisioned.queueUrlPrefix, lanes, 'dlq');
    for (const [name, queue] of Object.entries(provisioned.queues)) {
      expect(queueUrls[name]).toBe(queue.queueUrl);
      expect(dlqUrls[name]).toBe(queue.deadLetterQueueUrl);
    }
    expect(queueUrls['sleep:high']).toBe(provisioned.queues.sleep?.highPriority?.queueUrl);
    expect(dlqUrls['sleep:high']).toBe(provisioned.queues.sleep?.highPriority?.deadLetterQueueUrl);
  });
});
