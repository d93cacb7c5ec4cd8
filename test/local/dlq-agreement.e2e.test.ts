/**
 * Records and DLQs agree when SQS moves a message itself, end to end against the local system
 * with the stack's default `maxReceiveCount` (echo: maxRetries 3 + 3 = 6). A processor wrapper
 * "throttles" every echo delivery while asked to: it hands the batch straight back (visibility
 * 0) without running it, as a throttled or crashed invocation would after its visibility
 * timeout, so the receive count climbs in a moment and fauxqs dead-letters the message, with
 * no code of ours running. The sweeper (run by hand here) must then end the job `Failed` with
 * `RECEIVE_LIMIT_EXCEEDED`, leave its message in the DLQ annotated like the processor's copies,
 * and a redrive must complete it.
 */
import { GetQueueAttributesCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { decodeJobMessage } from '../../lambdas/adapters/job-message';
import { SqsJobQueue } from '../../lambdas/adapters/sqs-job-queue';
import { RECEIVE_LIMIT_EXCEEDED } from '../../lambdas/core/use-cases/reconcile-dead-letters';
import { DEFAULT_LOCAL_ADMIN_PRINCIPAL } from '../../local/api-gateway-event';
import { loadLocalConfig } from '../../local/local-config';
import type { LocalProcessor } from '../../local/local-system';
import { acceptedId, jobOf, until, useLocalSystem } from '../support/local-e2e';
import { makeVisible } from '../support/sqs-visibility';

/** While true, every echo delivery is handed back unrun. */
let throttling = false;
let throttledDeliveries = 0;

const local = useLocalSystem(() => ({
  config: loadLocalConfig(),
  sweepIntervalMs: 0,
  wrapProcessor: (name, processor) => (name === 'echo' ? throttled(processor) : processor),
}));

function throttled(processor: LocalProcessor): LocalProcessor {
  return async (event, context) => {
    if (!throttling) return processor(event, context);
    throttledDeliveries += event.Records.length;
    await makeVisible(
      local.system.sqs.client,
      echoUrls().queueUrl,
      event.Records.map((record) => record.receiptHandle),
    );
    return { batchItemFailures: event.Records.map((record) => ({ itemIdentifier: record.messageId })) };
  };
}

function echoUrls() {
  const queue = local.system.provisioned.queues.echo;
  if (!queue) throw new Error('no echo queue was provisioned');
  return queue;
}

/** Messages in the echo DLQ, visible or not. */
async function deadLetterCount(): Promise<number> {
  const { Attributes = {} } = await local.system.sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: echoUrls().deadLetterQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

/** Every message in the echo DLQ, received and then made visible again. */
async function deadLetters(): Promise<Message[]> {
  const url = echoUrls().deadLetterQueueUrl;
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await local.system.sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 30,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) break;
    messages.push(...Messages);
  }
  await makeVisible(
    local.system.sqs.client,
    url,
    messages.map((m) => m.ReceiptHandle),
  );
  return messages;
}

/** Throttles echo until SQS has moved one more message to its DLQ. */
async function untilSqsMovesOne(action: () => Promise<void>): Promise<void> {
  const before = await deadLetterCount();
  throttling = true;
  try {
    await action();
    await until(deadLetterCount, (n) => n === before + 1, { timeoutMs: 30_000, intervalMs: 50 });
  } finally {
    throttling = false;
  }
}

describe('records and DLQs agree when SQS dead-letters a message itself', () => {
  it('fails the job with RECEIVE_LIMIT_EXCEEDED at the next sweep, annotates its DLQ message, and a redrive completes it', async () => {
    let id = '';
    const deliveriesBefore = throttledDeliveries;
    await untilSqsMovesOne(async () => {
      id = await acceptedId(local.client, 'echo', { moved: true });
    });
    // maxReceiveCount (6) receives, none of which ran it: the record knows nothing yet.
    expect(throttledDeliveries - deliveriesBefore).toBeGreaterThanOrEqual(6);
    expect(await jobOf(local.client, id)).toMatchObject({ status: 'Queued', attempt: 0 });
    const [moved] = await deadLetters();
    expect(decodeJobMessage(moved?.Body ?? '')).toEqual({ id, name: 'echo' });
    expect(moved?.MessageAttributes).toBeUndefined();

    const swept = await local.system.sweep();
    expect(swept.deadLetters).toMatchObject({ failed: 1, left: 0 });

    const failed = await jobOf(local.client, id);
    expect(failed).toMatchObject({ status: 'Failed', attempt: 1, error: { code: RECEIVE_LIMIT_EXCEEDED } });
    expect(failed.history.map((h) => [h.attempt, h.outcome, h.errorCode])).toEqual([
      [1, 'failed', RECEIVE_LIMIT_EXCEEDED],
    ]);
    // One message in the DLQ, the job's, now annotated like every copy the processor sends.
    const [copy, ...others] = await deadLetters();
    expect(others).toEqual([]);
    expect(decodeJobMessage(copy?.Body ?? '')).toEqual({ id, name: 'echo' });
    expect(copy?.MessageAttributes).toMatchObject({
      jobId: { StringValue: id },
      errorCode: { StringValue: RECEIVE_LIMIT_EXCEEDED },
    });
    // Annotated, it needs no reconciling again.
    expect((await local.system.sweep()).deadLetters).toMatchObject({ failed: 0, annotated: 0, left: 0 });

    const redrive = await local.client.request('POST', '/admin/jobs/echo/redrive', {
      body: JSON.stringify({ jobIds: [id] }),
      headers: { 'Content-Type': 'application/json', 'X-Local-Principal': DEFAULT_LOCAL_ADMIN_PRINCIPAL },
    });
    expect(redrive.status).toBe(200);
    expect(redrive.body).toMatchObject({ moved: 1, complete: true });
    const done = (await local.client.waitFor(id, { timeoutMs: 15_000 })).job;
    expect(done).toMatchObject({ status: 'Completed', result: { moved: true }, attempt: 2 });
    expect(await deadLetterCount()).toBe(0);
  });

  it('deletes the copy SQS moved of a job that completed meanwhile', async () => {
    const id = await acceptedId(local.client, 'echo', { duplicate: true });
    expect((await local.client.waitFor(id, { timeoutMs: 15_000 })).job.status).toBe('Completed');
    // A second message of the finished job (a sweeper re-send, say), which SQS then gives up on.
    await untilSqsMovesOne(() =>
      new SqsJobQueue(local.system.sqs.client, echoUrls().queueUrl).enqueue({ id, name: 'echo' }),
    );

    const swept = await local.system.sweep();
    expect(swept.deadLetters).toMatchObject({ deleted: 1, failed: 0 });
    expect(await deadLetterCount()).toBe(0);
    expect(await jobOf(local.client, id)).toMatchObject({ status: 'Completed', result: { duplicate: true } });
  });
});
