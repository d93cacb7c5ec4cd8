/**
 * The recovery sweeper end to end against the local system: job records written straight into
 * the local table as if their message or worker had been lost, repaired by the sweeper's timer
 * (every 300 ms here), then run by the processors, observed through HTTP.
 */
import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbJobStore } from '../../lambdas/adapters/dynamodb-job-store';
import type { Job } from '../../lambdas/core/job';
import { WORKER_LOST } from '../../lambdas/core/use-cases/sweep-jobs';
import { loadLocalConfig } from '../../local/local-config';
import { acceptedId, jobOf, until, useLocalSystem } from '../support/local-e2e';

const local = useLocalSystem(() => ({ config: loadLocalConfig(), sweepIntervalMs: 300 }));
let store: DynamoDbJobStore;
/** A real job, as submitted through the API: the template of the records written below. */
let template: Job;

const HOUR_MS = 3_600_000;

const job = (id: string) => jobOf(local.client, id);
/** Polls every 50 ms: the sweeper acts every 300 ms, so faster polls gain nothing. */
const sweptUntil = <T>(read: () => Promise<T>, done: (value: T) => boolean) =>
  until(read, done, { intervalMs: 50 });

beforeAll(async () => {
  store = new DynamoDbJobStore(local.system.dynamodb.documentClient, local.system.provisioned.tableName);
  const id = await acceptedId(local.client, 'echo', { seed: true });
  await sweptUntil(
    () => job(id),
    (j) => j.status === 'Completed',
  );
  template = (await store.get(id)) as Job;
}, 60_000);

/** Writes a record with no message behind it, last updated an hour ago. */
async function writeLostJob(fields: Partial<Job>): Promise<string> {
  const id = randomUUID();
  const hourAgo = new Date(Date.now() - HOUR_MS).toISOString();
  const { result: _result, completedAt: _completedAt, history: _history, ...base } = template;
  await store.create({
    ...base,
    id,
    input: { lost: id },
    status: 'Queued',
    attempt: 0,
    retryCount: 0,
    createdAt: hourAgo,
    lastUpdatedAt: hourAgo,
    expiresAt: Math.floor(Date.now() / 1000) + 86_400,
    version: 1,
    ...fields,
  } as Job);
  return id;
}

describe('recovery sweeper, end to end', () => {
  it('re-enqueues a Queued job whose message was lost, and it completes', async () => {
    const id = await writeLostJob({});
    const done = await sweptUntil(
      () => job(id),
      (j) => j.status === 'Completed',
    );
    expect(done).toMatchObject({ result: { lost: id }, attempt: 1, retryCount: 0 });
  });

  it('reschedules an InProgress job whose worker died, and it completes', async () => {
    const hourAgo = new Date(Date.now() - HOUR_MS).toISOString();
    const id = await writeLostJob({
      status: 'InProgress',
      attempt: 1,
      startedAt: hourAgo,
      leaseOwner: 'dead-worker',
      leaseExpiresAt: new Date(Date.now() - HOUR_MS + 60_000).toISOString(),
    });
    const done = await sweptUntil(
      () => job(id),
      (j) => j.status === 'Completed',
    );
    expect(done).toMatchObject({ attempt: 2, retryCount: 1, error: null, result: { lost: id } });
    expect(done.history.map((h) => [h.attempt, h.outcome, h.errorCode])).toEqual([
      [1, 'abandoned', WORKER_LOST],
      [2, 'completed', undefined],
    ]);
  });

  it('fails a dead worker’s job with no retries left and copies it to the DLQ', async () => {
    const hourAgo = new Date(Date.now() - HOUR_MS).toISOString();
    const id = await writeLostJob({
      status: 'InProgress',
      attempt: 4,
      retryCount: 3,
      maxRetries: 3,
      startedAt: hourAgo,
      leaseOwner: 'dead-worker',
      leaseExpiresAt: hourAgo,
    });
    const failed = await sweptUntil(
      () => job(id),
      (j) => j.status === 'Failed',
    );
    expect(failed.error?.code).toBe(WORKER_LOST);
    const dlq = local.system.provisioned.queues.echo?.deadLetterQueueUrl;
    const copy = await sweptUntil(
      async () =>
        (
          await local.system.sqs.client.send(
            new ReceiveMessageCommand({
              QueueUrl: dlq,
              MessageAttributeNames: ['All'],
              WaitTimeSeconds: 1,
              MaxNumberOfMessages: 10,
            }),
          )
        ).Messages ?? [],
      (messages) => messages.some((m) => m.MessageAttributes?.jobId?.StringValue === id),
    );
    const message = copy.find((m) => m.MessageAttributes?.jobId?.StringValue === id);
    expect(JSON.parse(message?.Body ?? '')).toEqual({ id, name: 'echo' });
    expect(message?.MessageAttributes?.errorCode?.StringValue).toBe(WORKER_LOST);
  });

  it('runs one sweep on demand and reports what it did', async () => {
    const result = await local.system.sweep();
    expect(result).toEqual({
      examined: expect.any(Number),
      rescheduled: expect.any(Number),
      failed: expect.any(Number),
      requeued: expect.any(Number),
      skipped: expect.any(Number),
      deadLetters: expect.objectContaining({ queuesRead: expect.any(Number), failed: expect.any(Number) }),
    });
  });
});
