/**
 * The DeadLetterInbox port (what the sweeper's DLQ reconciliation relies on) against every
 * adapter: in memory, and SqsDeadLetters on fauxqs, where the "moved" message really is moved
 * by the emulator's redrive policy after its receive count passed `maxReceiveCount`.
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryDeadLetters } from '../../../lambdas/adapters/in-memory-dead-letters';
import { SqsDeadLetters } from '../../../lambdas/adapters/sqs-dead-letters';
import { SqsJobQueue } from '../../../lambdas/adapters/sqs-job-queue';
import type { DeadLetterInbox } from '../../../lambdas/core/dead-letter-inbox';
import { startTestSqs, type TestQueue, type TestSqs } from '../../support/fauxqs-server';
import { until } from '../../support/local-e2e';

/** A fresh, empty DLQ behind the port, and a way to put a message there as SQS's own move does. */
interface InboxFixture {
  readonly inbox: DeadLetterInbox;
  /** Puts a job's message in the DLQ with no attributes, as SQS moves it. */
  moved(jobId: string): Promise<void>;
}

let sqs: TestSqs;
beforeAll(async () => {
  sqs = await startTestSqs();
});
afterAll(async () => {
  await sqs?.stop();
});

async function sqsInbox(): Promise<InboxFixture> {
  const queue = await sqs.createQueue({ visibilityTimeoutSeconds: 30, maxReceiveCount: 1 });
  const dlq = queue.dlq as TestQueue;
  return {
    inbox: new SqsDeadLetters(sqs.client, dlq.url, { hideSeconds: 30, waitSeconds: 1 }),
    async moved(jobId) {
      await new SqsJobQueue(sqs.client, queue.url).enqueue({ id: jobId, name: 'echo' });
      // Received twice without an outcome (handed straight back): the second receive passes
      // maxReceiveCount 1, and the emulator moves the message instead of returning it.
      for (let receive = 0; receive < 2; receive++) {
        await sqs.client.send(
          new ReceiveMessageCommand({ QueueUrl: queue.url, VisibilityTimeout: 0, WaitTimeSeconds: 0 }),
        );
      }
      await until(
        () => sqs.countAll(dlq.url),
        (n) => n > 0,
      );
    },
  };
}

async function memoryInbox(): Promise<InboxFixture> {
  const inbox = new InMemoryDeadLetters();
  return {
    inbox,
    async moved(jobId) {
      inbox.add(jobId);
    },
  };
}

const ID = '00000000-0000-4000-8000-00000000000b';
const OTHER = '00000000-0000-4000-8000-00000000000c';

describe.each([
  ['InMemoryDeadLetters', memoryInbox],
  ['SqsDeadLetters (fauxqs)', sqsInbox],
])('DeadLetterInbox contract: %s', (_name, make) => {
  it('counts nothing waiting in an empty DLQ, and receives nothing from it', async () => {
    const { inbox } = await make();
    expect(await inbox.waiting()).toBe(0);
    expect(await inbox.receive(10)).toEqual([]);
  });

  it('tells a message SQS moved (no errorCode) from a copy our writers send (errorCode)', async () => {
    const { inbox, moved } = await make();
    await moved(ID);
    await inbox.send({ id: OTHER, name: 'echo' }, { code: 'PLANNED_FAILURE', message: 'boom' });
    expect(await inbox.waiting()).toBe(2);

    const letters = await inbox.receive(10);
    const byJob = new Map(letters.map((letter) => [letter.jobId, letter]));
    expect(letters).toHaveLength(2);
    expect(byJob.get(ID)?.errorCode).toBeUndefined();
    expect(byJob.get(OTHER)?.errorCode).toBe('PLANNED_FAILURE');
    await inbox.releaseAll(letters.map((letter) => letter.handle));
  });

  it('hides what it received until released, and releaseAll makes it receivable again at once', async () => {
    const { inbox, moved } = await make();
    await moved(ID);
    await moved(OTHER);
    const first = await inbox.receive(10);
    expect(first.map((l) => l.jobId).sort()).toEqual([ID, OTHER]);
    expect(await inbox.waiting()).toBe(0);
    expect(await inbox.receive(10)).toEqual([]);

    await inbox.releaseAll(first.map((l) => l.handle));
    expect(await inbox.waiting()).toBe(2);
    const again = await inbox.receive(10);
    expect(again.map((l) => l.jobId).sort()).toEqual([ID, OTHER]);
    // The same message ids, whatever the handles (SQS issues a new one on every receive).
    expect(again.map((l) => l.messageId).sort()).toEqual(first.map((l) => l.messageId).sort());
    await inbox.releaseAll(again.map((l) => l.handle));
  });

  it('replaces a moved message: the annotated copy stays, the removed original is gone', async () => {
    const { inbox, moved } = await make();
    await moved(ID);
    const [original] = await inbox.receive(10);
    await inbox.send({ id: ID, name: 'echo' }, { code: 'RECEIVE_LIMIT_EXCEEDED', message: 'moved by SQS' });
    await inbox.remove(String(original?.handle));

    const left = await inbox.receive(10);
    expect(left.map((l) => [l.jobId, l.errorCode])).toEqual([[ID, 'RECEIVE_LIMIT_EXCEEDED']]);
    await inbox.remove(String(left[0]?.handle));
    expect(await inbox.waiting()).toBe(0);
    expect(await inbox.receive(10)).toEqual([]);
  });

  it('releases more than one batch of handles', async () => {
    const { inbox } = await make();
    for (let n = 0; n < 12; n++)
      await inbox.send(
        { id: `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`, name: 'echo' },
        {
          code: 'X',
          message: 'x',
        },
      );
    const handles: string[] = [];
    for (let batch = await inbox.receive(10); batch.length > 0; batch = await inbox.receive(10))
      handles.push(...batch.map((l) => l.handle));
    expect(handles).toHaveLength(12);
    await inbox.releaseAll(handles);
    expect(await inbox.waiting()).toBe(12);
  });
});
