/** The sweeper's handler: one run reconciles the DLQs, then sweeps the Active index. */
import { describe, expect, it } from 'vitest';
import { InMemoryDeadLetters } from '../../../lambdas/adapters/in-memory-dead-letters';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import type { JobQueue } from '../../../lambdas/core/ports';
import { RECEIVE_LIMIT_EXCEEDED } from '../../../lambdas/core/use-cases/reconcile-dead-letters';
import { makeSweeperHandler } from '../../../lambdas/sweeper/sweeper';
import { aJob, ManualClock, silentLogger, T0 } from '../../support/jobs';

const NOW = new Date(T0.getTime() + 3_600_000);
const ID = '00000000-0000-4000-8000-000000000001';

function setup() {
  const store = new InMemoryJobStore();
  const dlq = new InMemoryDeadLetters();
  const sent: string[] = [];
  const queue: JobQueue = {
    enqueue: async (job) => {
      sent.push(job.id);
    },
  };
  const clock = new ManualClock(NOW);
  const settled: string[] = [];
  const handler = makeSweeperHandler({
    store,
    clock,
    logger: silentLogger,
    queueFor: () => queue,
    deadLetterQueueFor: () => dlq,
    staleAfterSecondsFor: () => 900,
    retentionSeconds: 86_400,
    maxJobsPerRun: 500,
    deadLetterInboxes: [{ jobName: 'echo', inbox: dlq }],
    onDeadLetterSettled: (job) => settled.push(job.status),
  });
  return { store, dlq, sent, settled, handler };
}

describe('sweeper handler', () => {
  it('fails a job whose message SQS dead-lettered before the index sweep could send it again', async () => {
    const { store, dlq, sent, settled, handler } = setup();
    // Stale enough for the index sweep to take its message for lost.
    await store.create(aJob({ id: ID, lastUpdatedAt: T0.toISOString() }));
    dlq.add(ID);

    const result = await handler({});

    expect((await store.get(ID))?.error?.code).toBe(RECEIVE_LIMIT_EXCEEDED);
    expect(sent).toEqual([]);
    expect(dlq.contents).toEqual([[ID, RECEIVE_LIMIT_EXCEEDED]]);
    expect(result).toMatchObject({ examined: 0, requeued: 0, deadLetters: { failed: 1, received: 2 } });
    expect(settled).toEqual(['Failed']);
  });

  it('still sweeps the index when there is nothing to reconcile', async () => {
    const { store, sent, handler } = setup();
    await store.create(aJob({ id: ID, lastUpdatedAt: T0.toISOString() }));
    const result = await handler({});
    expect(sent).toEqual([ID]);
    expect(result).toMatchObject({ examined: 1, requeued: 1, deadLetters: { queuesRead: 0 } });
  });
});
