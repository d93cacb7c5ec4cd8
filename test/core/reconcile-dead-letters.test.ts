import { describe, expect, it } from 'vitest';
import { InMemoryDeadLetters } from '../../lambdas/adapters/in-memory-dead-letters';
import { InMemoryJobStore } from '../../lambdas/adapters/in-memory-job-store';
import type { DeadLetterInbox } from '../../lambdas/core/dead-letter-inbox';
import type { Job } from '../../lambdas/core/job';
import {
  type DeadLetterReconciliation,
  RECEIVE_LIMIT_EXCEEDED,
  type ReconcileDeadLettersDeps,
  reconcileDeadLetters,
} from '../../lambdas/core/use-cases/reconcile-dead-letters';
import { ENQUEUE_FAILED } from '../../lambdas/core/use-cases/submit-job';
import { aJob, countingReads, ManualClock, silentLogger, T0 } from '../support/jobs';

const MINUTE = 60_000;
const NOW = new Date(T0.getTime() + 60 * MINUTE);
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * MINUTE).toISOString();
const RETENTION = 86_400;
const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ID = idOf(1);

const NOTHING: DeadLetterReconciliation = {
  queuesRead: 0,
  received: 0,
  failed: 0,
  canceled: 0,
  annotated: 0,
  deleted: 0,
  left: 0,
  unfinished: 0,
};

function setup(overrides: Partial<ReconcileDeadLettersDeps> = {}) {
  const store = new InMemoryJobStore();
  const { counted, reads } = countingReads(store);
  const dlq = new InMemoryDeadLetters();
  const settled: Job[] = [];
  const clock = new ManualClock(NOW);
  const deps: ReconcileDeadLettersDeps = {
    store: counted,
    clock,
    logger: silentLogger,
    deadLetterQueues: [{ jobName: 'echo', inbox: dlq }],
    retentionSeconds: RETENTION,
    onSettled: (job) => settled.push(job),
    ...overrides,
  };
  return { store, reads, dlq, settled, clock, deps };
}

/** `inbox` with some of its calls replaced. */
const overriding = (inbox: DeadLetterInbox, calls: Partial<Record<keyof DeadLetterInbox, unknown>>) =>
  Object.assign(Object.create(inbox), calls) as DeadLetterInbox;

/** A job whose worker died two minutes ago. */
const deadWorker = (fields: Partial<Job> = {}) =>
  aJob({
    id: ID,
    status: 'InProgress',
    attempt: 2,
    retryCount: 1,
    startedAt: ago(5),
    lastUpdatedAt: ago(4),
    leaseOwner: 'worker-2',
    leaseExpiresAt: ago(2),
    history: [
      { attempt: 1, startedAt: ago(9), endedAt: ago(8), outcome: 'retry-scheduled', errorCode: 'BUSY' },
    ],
    version: 5,
    ...fields,
  });

const failedRecord = (from: Partial<Job>) => ({
  status: 'Failed',
  error: { code: RECEIVE_LIMIT_EXCEEDED, message: expect.stringContaining('maxReceiveCount') },
  completedAt: NOW.toISOString(),
  lastUpdatedAt: NOW.toISOString(),
  expiresAt: Math.floor(NOW.getTime() / 1000) + RETENTION,
  version: (from.version ?? 1) + 1,
});

interface Rule {
  readonly name: string;
  /** The record, or undefined for none. */
  readonly job?: Job;
  /** The message SQS moved: its job id (undefined: not a job message). */
  readonly letter?: string;
  readonly counts: Partial<DeadLetterReconciliation>;
  /** What the record is afterwards (undefined: unchanged). */
  readonly record?: Record<string, unknown>;
  /** The DLQ afterwards, as [jobId, errorCode]. */
  readonly dlq: [string | undefined, string | undefined][];
}

const RULES: Rule[] = [
  {
    name: 'fails a Queued job that never ran, counting the given-up deliveries as a failed attempt',
    job: aJob({ id: ID, lastUpdatedAt: ago(30) }),
    counts: { failed: 1 },
    record: {
      ...failedRecord({}),
      attempt: 1,
      history: [
        { attempt: 1, endedAt: NOW.toISOString(), outcome: 'failed', errorCode: RECEIVE_LIMIT_EXCEEDED },
      ],
    },
    dlq: [[ID, RECEIVE_LIMIT_EXCEEDED]],
  },
  {
    name: 'fails a Scheduled job (its backoff over or not) and clears its retry time',
    job: deadWorker({
      status: 'Scheduled',
      leaseOwner: undefined,
      leaseExpiresAt: undefined,
      retryDelayUntil: ago(-5),
      history: [
        { attempt: 1, outcome: 'retry-scheduled', errorCode: 'BUSY' },
        { attempt: 2, startedAt: ago(5), endedAt: ago(4), outcome: 'retry-scheduled', errorCode: 'BUSY' },
      ],
    }),
    counts: { failed: 1 },
    record: {
      ...failedRecord({ version: 5 }),
      attempt: 3,
      retryDelayUntil: undefined,
      history: [
        { attempt: 1, outcome: 'retry-scheduled', errorCode: 'BUSY' },
        { attempt: 2, startedAt: ago(5), endedAt: ago(4), outcome: 'retry-scheduled', errorCode: 'BUSY' },
        { attempt: 3, endedAt: NOW.toISOString(), outcome: 'failed', errorCode: RECEIVE_LIMIT_EXCEEDED },
      ],
    },
    dlq: [[ID, RECEIVE_LIMIT_EXCEEDED]],
  },
  {
    name: 'fails an InProgress job whose lease ran out: its attempt was abandoned',
    job: deadWorker(),
    counts: { failed: 1 },
    record: {
      ...failedRecord({ version: 5 }),
      attempt: 2,
      leaseOwner: undefined,
      leaseExpiresAt: undefined,
      history: [
        expect.objectContaining({ attempt: 1, outcome: 'retry-scheduled' }),
        {
          attempt: 2,
          startedAt: ago(5),
          endedAt: NOW.toISOString(),
          outcome: 'abandoned',
          errorCode: RECEIVE_LIMIT_EXCEEDED,
        },
      ],
    },
    dlq: [[ID, RECEIVE_LIMIT_EXCEEDED]],
  },
  {
    name: 'fails an InProgress job with no lease recorded',
    job: deadWorker({ leaseOwner: undefined, leaseExpiresAt: undefined }),
    counts: { failed: 1 },
    record: {
      ...failedRecord({ version: 5 }),
      attempt: 2,
      history: [expect.anything(), expect.objectContaining({ attempt: 2, outcome: 'abandoned' })],
    },
    dlq: [[ID, RECEIVE_LIMIT_EXCEEDED]],
  },
  {
    name: 'cancels an InProgress job whose owner asked, its worker dead, and deletes the message',
    job: deadWorker({ cancelRequestedAt: ago(3) }),
    counts: { canceled: 1 },
    record: {
      status: 'Canceled',
      error: { code: 'CANCELED', message: expect.any(String) },
      completedAt: NOW.toISOString(),
      lastUpdatedAt: NOW.toISOString(),
      leaseOwner: undefined,
      leaseExpiresAt: undefined,
      expiresAt: Math.floor(NOW.getTime() / 1000) + RETENTION,
      history: [expect.anything(), expect.objectContaining({ attempt: 2, outcome: 'canceled' })],
      version: 6,
    },
    dlq: [],
  },
  {
    name: 'leaves an InProgress job under a live lease to its worker',
    job: deadWorker({ leaseExpiresAt: ago(-1) }),
    counts: { left: 1 },
    dlq: [[ID, undefined]],
  },
  {
    name: 'deletes the stale copy of a Completed job',
    job: aJob({ id: ID, status: 'Completed', result: 1 }),
    counts: { deleted: 1 },
    dlq: [],
  },
  {
    name: 'deletes the stale copy of a Canceled job',
    job: aJob({ id: ID, status: 'Canceled' }),
    counts: { deleted: 1 },
    dlq: [],
  },
  {
    name: 'replaces the message of a job already Failed by a copy carrying its error',
    job: aJob({ id: ID, status: 'Failed', error: { code: 'PLANNED_FAILURE', message: 'boom' } }),
    counts: { annotated: 1 },
    dlq: [[ID, 'PLANNED_FAILURE']],
  },
  {
    name: 'deletes the message of a job refused at submission, which is never dead-lettered',
    job: aJob({ id: ID, status: 'Failed', error: { code: ENQUEUE_FAILED, message: 'SQS said no' } }),
    counts: { deleted: 1 },
    dlq: [],
  },
  {
    name: 'leaves a message without a record for redrive (it reports it notFound)',
    counts: { left: 1 },
    dlq: [[ID, undefined]],
  },
  {
    name: 'leaves a message of another job type for redrive',
    job: aJob({ id: ID, name: 'sleep' }),
    counts: { left: 1 },
    dlq: [[ID, undefined]],
  },
  {
    name: 'leaves a message that is not a job message',
    letter: undefined,
    counts: { left: 1 },
    dlq: [[undefined, undefined]],
  },
];

describe('reconcileDeadLetters: a message SQS moved itself (no errorCode)', () => {
  it.each(RULES)('$name', async (rule) => {
    const { store, dlq, settled, deps } = setup();
    if (rule.job) await store.create(rule.job);
    const before = rule.job && (await store.get(rule.job.id));
    const handle = dlq.add('letter' in rule ? rule.letter : ID);

    const result = await reconcileDeadLetters(deps);

    // The pass reads the DLQ to its end, so it also receives (and skips) a copy it sent.
    const copies = rule.dlq.filter(([, code]) => code !== undefined).length;
    expect(result).toEqual({ ...NOTHING, queuesRead: 1, received: 1 + copies, ...rule.counts });
    const after = await store.get(ID);
    if (rule.record) expect(after).toEqual({ ...before, ...rule.record });
    else expect(after).toEqual(before);
    // Unset fields are gone from the record, not stored as undefined.
    for (const [key, value] of Object.entries(rule.record ?? {}))
      if (value === undefined) expect(after && key in after).toBe(false);
    expect(dlq.contents).toEqual(rule.dlq);
    // What stays is released (visible again); what was replaced or deleted is gone.
    expect(await dlq.waiting()).toBe(rule.dlq.length);
    expect(new Set(dlq.released).size).toBe(rule.dlq.length);
    expect(dlq.released.includes(handle)).toBe(rule.dlq.some(([, code]) => code === undefined));
    expect(settled.map((job) => job.status)).toEqual(
      rule.counts.failed ? ['Failed'] : rule.counts.canceled ? ['Canceled'] : [],
    );
  });
});

describe('reconcileDeadLetters', () => {
  it('skips the copies our writers sent (they carry errorCode) without reading their job', async () => {
    const { store, reads, dlq, deps } = setup();
    await store.create(aJob({ id: ID, status: 'Failed', error: { code: 'BOOM', message: 'x' } }));
    await store.create(aJob({ id: idOf(2), status: 'Queued' }));
    const ours = [dlq.add(ID, undefined, 'BOOM'), dlq.add(idOf(2), undefined, 'WORKER_LOST')];

    expect(await reconcileDeadLetters(deps)).toEqual({ ...NOTHING, queuesRead: 1, received: 2 });
    expect(reads).toEqual([]);
    expect([...new Set(dlq.released)].sort()).toEqual([...ours].sort());
    expect((await store.get(idOf(2)))?.status).toBe('Queued');
  });

  it('reads nothing from an empty DLQ', async () => {
    const { dlq, deps } = setup();
    expect(await reconcileDeadLetters(deps)).toEqual(NOTHING);
    expect(dlq.receives).toEqual([]);
  });

  it('tells each job it ended, with the record written', async () => {
    const { store, dlq, settled, deps } = setup();
    await store.create(aJob({ id: ID }));
    dlq.add(ID);
    await reconcileDeadLetters(deps);
    expect(settled).toEqual([await store.get(ID)]);
  });

  it('reconciles every DLQ it is given, each for its own job type (both lanes of one type too)', async () => {
    const echoHigh = new InMemoryDeadLetters();
    const sleep = new InMemoryDeadLetters();
    const { store, dlq, deps } = setup();
    await store.create(aJob({ id: idOf(1) }));
    await store.create(aJob({ id: idOf(2), priority: 'high' }));
    await store.create(aJob({ id: idOf(3), name: 'sleep' }));
    dlq.add(idOf(1));
    echoHigh.add(idOf(2));
    sleep.add(idOf(3));
    const result = await reconcileDeadLetters({
      ...deps,
      deadLetterQueues: [
        { jobName: 'echo', inbox: dlq },
        { jobName: 'echo', inbox: echoHigh },
        { jobName: 'sleep', inbox: sleep },
      ],
    });
    expect(result).toMatchObject({ queuesRead: 3, failed: 3 });
    // Each annotated copy stays in the DLQ the message was found in.
    expect([dlq.contents, echoHigh.contents, sleep.contents]).toEqual([
      [[idOf(1), RECEIVE_LIMIT_EXCEEDED]],
      [[idOf(2), RECEIVE_LIMIT_EXCEEDED]],
      [[idOf(3), RECEIVE_LIMIT_EXCEEDED]],
    ]);
  });

  describe('races and failures', () => {
    it('leaves the message when another writer moved the job since it was read (version conflict)', async () => {
      const { store, dlq, settled, deps } = setup();
      await store.create(aJob({ id: ID }));
      const racing = Object.assign(Object.create(store), {
        get: async (id: string) => {
          const read = await store.get(id);
          // A claim lands right after the read.
          const current = store.jobs.get(id) as Job;
          store.jobs.set(id, { ...current, status: 'InProgress', version: current.version + 1 });
          return read;
        },
      }) as InMemoryJobStore;
      const handle = dlq.add(ID);
      expect(await reconcileDeadLetters({ ...deps, store: racing })).toMatchObject({ left: 1, failed: 0 });
      expect((await store.get(ID))?.status).toBe('InProgress');
      expect(dlq.contents).toEqual([[ID, undefined]]);
      expect(dlq.released).toContain(handle);
      expect(settled).toEqual([]);
    });

    it('keeps going when one record cannot be read, leaving that message', async () => {
      const { store, dlq, deps } = setup();
      await store.create(aJob({ id: idOf(2) }));
      const broken = Object.assign(Object.create(store), {
        get: async (id: string) => {
          if (id === ID) throw new Error('DynamoDB is down');
          return store.get(id);
        },
      }) as InMemoryJobStore;
      dlq.add(ID);
      dlq.add(idOf(2));
      expect(await reconcileDeadLetters({ ...deps, store: broken })).toMatchObject({ left: 1, failed: 1 });
    });

    it('counts a job failed even when its annotated copy cannot be sent; the next run annotates it', async () => {
      const { store, dlq, deps } = setup();
      await store.create(aJob({ id: ID }));
      dlq.add(ID);
      const refusing = overriding(dlq, {
        send: async () => {
          throw new Error('SQS is down');
        },
      });
      const first = await reconcileDeadLetters({
        ...deps,
        deadLetterQueues: [{ jobName: 'echo', inbox: refusing }],
      });
      expect(first).toMatchObject({ failed: 1, annotated: 0 });
      expect((await store.get(ID))?.status).toBe('Failed');
      // The original stays (released), so the Failed job still has its DLQ message.
      expect(dlq.contents).toEqual([[ID, undefined]]);

      const second = await reconcileDeadLetters(deps);
      expect(second).toMatchObject({ failed: 0, annotated: 1 });
      expect(dlq.contents).toEqual([[ID, RECEIVE_LIMIT_EXCEEDED]]);
    });

    it('keeps the original beside its copy when the delete fails: a duplicate at worst, never no copy', async () => {
      const { store, dlq, deps } = setup();
      await store.create(aJob({ id: ID }));
      dlq.add(ID);
      const undeletable = overriding(dlq, {
        remove: async () => {
          throw new Error('SQS is down');
        },
      });
      const result = await reconcileDeadLetters({
        ...deps,
        deadLetterQueues: [{ jobName: 'echo', inbox: undeletable }],
      });
      expect(result).toMatchObject({ failed: 1 });
      expect(dlq.contents).toEqual(
        expect.arrayContaining([
          [ID, undefined],
          [ID, RECEIVE_LIMIT_EXCEEDED],
        ]),
      );
      expect(dlq.contents).toHaveLength(2);
    });

    it('never throws: a DLQ that cannot be read counts unfinished and the others are still reconciled', async () => {
      const { store, dlq, deps } = setup();
      await store.create(aJob({ id: ID }));
      dlq.add(ID);
      const broken = overriding(new InMemoryDeadLetters(), {
        waiting: async () => {
          throw new Error('access denied');
        },
      });
      const result = await reconcileDeadLetters({
        ...deps,
        deadLetterQueues: [
          { jobName: 'echo', inbox: broken },
          { jobName: 'echo', inbox: dlq },
        ],
      });
      expect(result).toMatchObject({ queuesRead: 1, failed: 1, unfinished: 1 });
    });

    it('ends the pass unfinished when a receive fails, leaving nothing hidden', async () => {
      const { store, dlq, deps } = setup();
      for (let n = 1; n <= 15; n++)
        await store.create(aJob({ id: idOf(n), status: 'Failed', error: { code: 'X', message: 'x' } }));
      for (let n = 1; n <= 15; n++) dlq.add(idOf(n), undefined, 'X');
      let receives = 0;
      const flaky = overriding(dlq, {
        receive: async (max: number) => {
          receives += 1;
          if (receives === 2) throw new Error('SQS is down');
          return dlq.receive(max);
        },
      });
      const result = await reconcileDeadLetters({
        ...deps,
        deadLetterQueues: [{ jobName: 'echo', inbox: flaky }],
      });
      expect(result).toMatchObject({ received: 10, unfinished: 1 });
      expect(dlq.released).toHaveLength(10);
      expect(await dlq.waiting()).toBe(15);
    });
  });

  describe('bounds', () => {
    it('receives at most maxPerQueue messages from a DLQ per run, hiding only one batch at a time', async () => {
      const { dlq, deps } = setup({ maxPerQueue: 25 });
      for (let n = 1; n <= 40; n++) dlq.add(idOf(n), undefined, 'X');
      const visibleAtEachReceive: number[] = [];
      const watched = overriding(dlq, {
        receive: async (max: number) => {
          visibleAtEachReceive.push(await dlq.waiting());
          return dlq.receive(max);
        },
      });
      const result = await reconcileDeadLetters({
        ...deps,
        deadLetterQueues: [{ jobName: 'echo', inbox: watched }],
      });
      expect(result).toEqual({ ...NOTHING, queuesRead: 1, received: 25, unfinished: 1 });
      expect(dlq.receives).toEqual([10, 10, 5]);
      // Each batch was released before the next receive: a redrive never waits on more than one.
      expect(visibleAtEachReceive).toEqual([40, 40, 40]);
      expect(new Set(dlq.released).size).toBe(25);
      expect(await dlq.waiting()).toBe(40);
    });

    it('ends the pass once a receive brings back only messages it has seen (it went round)', async () => {
      const { dlq, deps } = setup();
      for (let n = 1; n <= 12; n++) dlq.add(idOf(n), undefined, 'X');
      expect(await reconcileDeadLetters(deps)).toMatchObject({ received: 12, unfinished: 0 });
      // 10 new, then 2 new and 8 seen, then only seen ones.
      expect(dlq.receives).toEqual([10, 10, 10]);
    });

    it('starts no receive after the time budget; the DLQs not reached count unfinished', async () => {
      const queues = Array.from({ length: 3 }, () => new InMemoryDeadLetters());
      const { clock, deps } = setup({ timeBudgetMs: 10_000, concurrency: 1 });
      for (const q of queues) for (let n = 1; n <= 30; n++) q.add(idOf(n), undefined, 'X');
      // Each receive takes 4 s.
      const slow = queues.map((q) =>
        overriding(q, {
          receive: async (max: number) => {
            clock.advance(4_000);
            return q.receive(max);
          },
        }),
      );
      const result = await reconcileDeadLetters({
        ...deps,
        deadLetterQueues: slow.map((inbox) => ({ jobName: 'echo', inbox })),
      });
      expect(result).toMatchObject({ queuesRead: 1, received: 30, unfinished: 3 });
      expect(queues.map((q) => q.receives.length).sort()).toEqual([0, 0, 3]);
    });

    it('reaches a different DLQ first each minute, so a tight budget serves all of them in turn', async () => {
      const queues = Array.from({ length: 3 }, () => new InMemoryDeadLetters());
      const minutes = [0, 1, 2].map((m) => new Date(NOW.getTime() + m * MINUTE));
      const firsts: number[] = [];
      for (const at of minutes) {
        const order: number[] = [];
        const watched = queues.map((q, index) =>
          overriding(q, {
            waiting: async () => {
              order.push(index);
              return q.waiting();
            },
          }),
        );
        const { deps } = setup({ clock: new ManualClock(at), concurrency: 1 });
        await reconcileDeadLetters({
          ...deps,
          deadLetterQueues: watched.map((inbox) => ({ jobName: 'echo', inbox })),
        });
        expect([...order].sort()).toEqual([0, 1, 2]);
        firsts.push(order[0] as number);
      }
      expect(new Set(firsts).size).toBe(3);
    });

    it('reads at most `concurrency` DLQs at once', async () => {
      let open = 0;
      let most = 0;
      const queues = Array.from({ length: 6 }, () => {
        const q = new InMemoryDeadLetters();
        q.add(idOf(1), undefined, 'X');
        return overriding(q, {
          receive: async (max: number) => {
            open += 1;
            most = Math.max(most, open);
            await new Promise((resolve) => setTimeout(resolve, 5));
            open -= 1;
            return q.receive(max);
          },
        });
      });
      const { deps } = setup({ concurrency: 2 });
      const result = await reconcileDeadLetters({
        ...deps,
        deadLetterQueues: queues.map((inbox) => ({ jobName: 'echo', inbox })),
      });
      expect(result).toMatchObject({ queuesRead: 6, received: 6 });
      expect(most).toBe(2);
    });
  });
});
