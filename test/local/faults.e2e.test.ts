/**
 * Fault injection, end to end: 1,000 jobs of every type run through the local system while
 * processors are killed mid-batch, batches are delivered twice at once, workers die with a live
 * lease, the submit path's enqueue fails, claims and outcome writes are throttled, handlers
 * overrun their deadline, and the SQS and DynamoDB endpoints go down and come back (fauxqs's
 * listener restarts in-process; DynamoDB Local sits behind a proxy that resets every connection
 * and refuses new ones). Then the faults stop, the system settles, and the invariants are
 * checked: nothing lost, no result recorded twice, records and queues agree, every dead
 * worker's job recovered, and a redrive completes every retriable job. Some jobs are throttled
 * until SQS dead-letters their message itself, with the stack's default `maxReceiveCount`: the
 * sweeper must fail them (`RECEIVE_LIMIT_EXCEEDED`) so records and DLQs still agree.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJobMessage } from '../../lambdas/adapters/job-message';
import type { JobView } from '../../lambdas/core/job';
import { isTerminal } from '../../lambdas/core/job-status';
import { RECEIVE_LIMIT_EXCEEDED } from '../../lambdas/core/use-cases/reconcile-dead-letters';
import { ENQUEUE_FAILED } from '../../lambdas/core/use-cases/submit-job';
import { WORKER_LOST } from '../../lambdas/core/use-cases/sweep-jobs';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { ACTIVE_INDEX } from '../../lambdas/table-schema';
import { DEFAULT_LOCAL_ADMIN_PRINCIPAL } from '../../local/api-gateway-event';
import { LOCAL_AWS } from '../../local/emulators/types';
import { loadLocalConfig } from '../../local/local-config';
import { type LocalProcessor, type LocalSystem, startLocalSystem } from '../../local/local-system';
import { type PlannedRestart, RestartSchedule } from '../support/emulator-restarts';
import {
  countingJobTypes,
  Faults,
  faultyProcessor,
  processorDocumentClient,
  processorSqsClient,
  seeded,
  submitSqsClient,
} from '../support/fault-injection';
import { localClient } from '../support/local-client';
import { OutageProxy } from '../support/outage-proxy';
import { makeVisible } from '../support/sqs-visibility';

const JOB_COUNT = 1_000;
const TYPES = ['echo', 'flaky', 'fail', 'sleep'] as const;

/** What a job was submitted as: its type, input, and what it must end as after a redrive. */
interface Planned {
  readonly kind: string;
  readonly name: (typeof TYPES)[number];
  readonly input: unknown;
  readonly retriable: boolean;
}

/** A fixed mix per 20 jobs: 8 echo, 5 flaky, 2 permanent and 1 transient fail, 3 short and 1 long sleep. */
function plan(i: number): Planned {
  const slot = i % 20;
  if (slot < 8) return { kind: 'echo', name: 'echo', input: { i }, retriable: true };
  if (slot < 13) {
    const failTimes = Math.floor(i / 20) % 4;
    return { kind: `flaky-${failTimes}`, name: 'flaky', input: { failTimes }, retriable: true };
  }
  if (slot < 15)
    return { kind: 'fail-permanent', name: 'fail', input: { permanent: true }, retriable: false };
  if (slot < 16)
    return { kind: 'fail-transient', name: 'fail', input: { permanent: false }, retriable: false };
  if (slot < 19)
    return { kind: 'sleep-short', name: 'sleep', input: { ms: 50 + (i % 150) }, retriable: true };
  // Past the handler's 1 s deadline (2 s timeout less 1 s to record the outcome): JOB_TIMEOUT.
  return { kind: 'sleep-deadline', name: 'sleep', input: { ms: 1_500 }, retriable: false };
}

// Short everything: 2 s functions (12 s visibility, so a killed batch returns within the test)
// and 1-2 s backoffs. The receive count is the stack's default (maxRetries + 3), so the extra
// receives of faulty deliveries count towards it as they would on AWS; the throttle below makes
// SQS dead-letter some messages itself, and the sweeper must bring their records in line.
const typeSettings = {
  timeoutSeconds: 2,
  visibilityTimeoutSeconds: 12,
  backoffBaseSeconds: 1,
  backoffMaxSeconds: 2,
};
const config = loadLocalConfig({
  // The sweeper runs every 2 s here: 200 jobs a run keeps its reads from crowding DynamoDB Local.
  sweeper: { maxJobsPerRun: 200 },
  jobTypes: {
    echo: typeSettings,
    flaky: { ...typeSettings, maxRetries: 1 },
    fail: { ...typeSettings, maxRetries: 2 },
    sleep: { ...typeSettings, maxRetries: 1 },
  },
});

const faults = new Faults({
  killInvocation: 0.05,
  duplicateInvocation: 0.05,
  failEnqueue: 0.1,
  throttleClaim: 0.1,
  throttleOutcome: 0.1,
  dieWithLiveLease: 0.04,
});

/**
 * Throttled until SQS gives up: while the faults are on, every delivery of about one job in 64
 * (chosen by its id) is handed straight back unrun, as a throttled invocation's messages come
 * back (here at once instead of after the visibility timeout, so it takes a second, not a
 * minute). Its receive count passes `maxReceiveCount` and SQS dead-letters the message itself,
 * with no code of ours running: only the sweeper's DLQ reconciliation can bring the job's
 * record in line. The other faults rarely add enough receives to one message on their own.
 */
const throttledJobs = new Set<string>();
let throttledDeliveries = 0;
const throttledUntilDeadLettered = (id: string) => id.endsWith('0') && '0123'.includes(id.at(-2) ?? '');

function throttlingProcessor(name: string, processor: LocalProcessor): LocalProcessor {
  return async (event, context) => {
    const throttled = faults.enabled
      ? event.Records.filter((r) => throttledUntilDeadLettered(decodeJobMessage(r.body)?.id ?? ''))
      : [];
    if (throttled.length === 0) return processor(event, context);
    for (const record of throttled) throttledJobs.add(decodeJobMessage(record.body)?.id ?? '');
    throttledDeliveries += throttled.length;
    await makeVisible(
      system.sqs.client,
      system.provisioned.queues[name]?.queueUrl,
      throttled.map((record) => record.receiptHandle),
    );
    const rest = event.Records.filter((record) => !throttled.includes(record));
    const { batchItemFailures } =
      rest.length > 0 ? await processor({ Records: rest }, context) : { batchItemFailures: [] };
    return {
      batchItemFailures: [
        ...batchItemFailures,
        ...throttled.map((record) => ({ itemIdentifier: record.messageId })),
      ],
    };
  };
}

/**
 * Two outages of each endpoint while jobs are submitted and run, one at a time, each after a
 * given number of accepted submissions, down for a seeded 0.3-1.5 s.
 */
const restartDownMs = seeded(7);
const restartPlan: PlannedRestart[] = (
  [
    ['sqs', 150],
    ['dynamodb', 300],
    ['sqs', 550],
    ['dynamodb', 700],
  ] as const
).map(([target, afterJobs]) => ({ target, afterJobs, downMs: 300 + Math.round(restartDownMs() * 1_200) }));
let restarts: RestartSchedule;
/** Every component reaches DynamoDB through it; the test's own reads go straight to the emulator. */
let dynamodbProxy: OutageProxy;
/** API answers to submissions, by status and problem code: a 503 is expected, a 500 never. */
const submitAnswers: Record<string, number> = {};
const eventSourceErrors: Record<string, number> = {};
const closers: (() => void)[] = [];
let system: LocalSystem;
let client: ReturnType<typeof localClient>;

beforeAll(async () => {
  dynamodbProxy = await OutageProxy.start();
  // One client per component, so recorded calls are filed under the function that made them.
  const viaProxy = () => {
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamodbProxy.endpoint }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
    closers.push(() => client.destroy());
    return client;
  };
  system = await startLocalSystem({
    config,
    port: 0,
    leaseMs: 3_000,
    sweepIntervalMs: 2_000,
    jobTypes: countingJobTypes(jobTypes, faults),
    clientsFor: (component, { dynamodb, sqs }) => {
      dynamodbProxy.forwardTo(dynamodb.endpoint);
      if (component === 'submit') {
        const sqsClient = submitSqsClient(sqs.endpoint, faults);
        closers.push(() => sqsClient.destroy());
        return { sqsClient, documentClient: viaProxy() };
      }
      if (component === 'processor') {
        const documentClient = processorDocumentClient(dynamodbProxy.endpoint, faults);
        const sqsClient = processorSqsClient(sqs.endpoint, faults);
        closers.push(
          () => documentClient.destroy(),
          () => sqsClient.destroy(),
        );
        return { documentClient, sqsClient };
      }
      return { documentClient: viaProxy() };
    },
    // A throttled invocation never reaches the function: the throttle wraps the other faults.
    wrapProcessor: (name, processor) => throttlingProcessor(name, faultyProcessor(faults, processor)),
    onError: (error) => {
      const phase = (error as { phase?: string }).phase ?? 'other';
      eventSourceErrors[phase] = (eventSourceErrors[phase] ?? 0) + 1;
    },
  });
  client = localClient(system.url);
  restarts = new RestartSchedule(
    {
      sqs: (downMs) => system.sqs.restart({ downMs }),
      dynamodb: (downMs) => dynamodbProxy.outage(downMs),
    },
    restartPlan,
  );
}, 60_000);

afterAll(async () => {
  await system?.stop();
  for (const close of closers) close();
  await dynamodbProxy?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` over `items`, `width` at a time. */
async function pool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

/**
 * Submits with an idempotency key, retrying a 503 with the same key until accepted: 503
 * `ENQUEUE_FAILED` (SQS refused or unreachable; the job is named) or `SERVICE_UNAVAILABLE`
 * (DynamoDB unreachable). Waits a growing 20-500 ms between tries (the API's Retry-After of 5 s
 * is for real clients), for at most 90 s: a DynamoDB Local restart on a loaded machine is slow.
 */
async function submitOnce(i: number, refused: Set<string>): Promise<string> {
  const { name, input } = plan(i);
  const headers = { 'Idempotency-Key': `"faults-${i}"` };
  let refusedId: string | undefined;
  const giveUpAt = Date.now() + 90_000;
  for (let round = 0; Date.now() < giveUpAt; round++) {
    const reply = await client.submit(name, input, headers);
    const answer = reply.status === 503 ? `503 ${String(reply.body.code)}` : String(reply.status);
    submitAnswers[answer] = (submitAnswers[answer] ?? 0) + 1;
    if (reply.status === 202 || reply.status === 200) {
      const id = String(reply.body.id);
      // The retry after a 503 reaches the job the 503 named.
      if (refusedId !== undefined) expect(id).toBe(refusedId);
      return id;
    }
    expect(reply.status, JSON.stringify(reply.body)).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('5');
    if (reply.body.code === ENQUEUE_FAILED) {
      refusedId ??= String(reply.body.jobId);
      expect(String(reply.body.jobId)).toBe(refusedId);
      refused.add(refusedId);
    } else {
      expect(reply.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    }
    await sleep(Math.min(500, 20 * 2 ** round));
  }
  throw new Error(`Job ${i} was refused for 90 s`);
}

async function activeJobs(): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    // The sparse index holds only unfinished jobs, over all its shards: count them all.
    const page = await system.dynamodb.documentClient.send(
      new ScanCommand({
        TableName: system.provisioned.tableName,
        IndexName: ACTIVE_INDEX.indexName,
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}

async function queueDepth(url: string | undefined): Promise<number> {
  const { Attributes = {} } = await system.sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

/** Waits until no job is unfinished, every main queue is empty and no invocation runs. */
async function quiescence(timeoutMs: number): Promise<number> {
  const began = Date.now();
  let calm = 0;
  let last = '';
  while (Date.now() - began < timeoutMs) {
    const active = await activeJobs();
    const depths = await Promise.all(
      TYPES.map((name) => queueDepth(system.provisioned.queues[name]?.queueUrl)),
    );
    const running = TYPES.reduce(
      (n, name) => n + (system.eventSources[name]?.stats.inFlightInvocations ?? 0),
      0,
    );
    last = JSON.stringify({ active, depths, running });
    calm = active === 0 && running === 0 && depths.every((d) => d === 0) ? calm + 1 : 0;
    if (calm >= 2) return Date.now() - began;
    await sleep(500);
  }
  const { Items = [] } = await system.dynamodb.documentClient.send(
    // A sample of what is still unfinished, from any shard of the sparse index.
    new ScanCommand({ TableName: system.provisioned.tableName, IndexName: ACTIVE_INDEX.indexName, Limit: 5 }),
  );
  const stuck = Items.map(
    ({ id, name, status, attempt, retryCount, leaseExpiresAt, lastUpdatedAt, history }) => ({
      id,
      name,
      status,
      attempt,
      retryCount,
      leaseExpiresAt,
      lastUpdatedAt,
      history,
    }),
  );
  throw new Error(
    `No quiescence within ${timeoutMs} ms; last: ${last}; unfinished: ${JSON.stringify(stuck)}`,
  );
}

/**
 * Every message in a DLQ (received, then made visible again), as job id -> copies. The sweeper
 * reads the DLQs too (a batch at a time, released at once), so an empty receive ends the read
 * only once every message the queue holds is in hand.
 */
async function deadLetters(name: string): Promise<Map<string, number>> {
  const url = system.provisioned.queues[name]?.deadLetterQueueUrl;
  const messages: Message[] = [];
  for (const giveUpAt = Date.now() + 30_000; ; ) {
    const { Messages = [] } = await system.sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
      }),
    );
    messages.push(...Messages);
    if (Messages.length === 0 && (await queueDepth(url)) === messages.length) break;
    if (Date.now() > giveUpAt) throw new Error(`Could not hold every message of the ${name} DLQ within 30 s`);
  }
  for (let start = 0; start < messages.length; start += 10) {
    await system.sqs.client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: messages.slice(start, start + 10).map((m, index) => ({
          Id: String(index),
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
  expect(await queueDepth(url)).toBe(messages.length);
  const copies = new Map<string, number>();
  for (const m of messages) {
    const id = String(m.MessageAttributes?.jobId?.StringValue);
    copies.set(id, (copies.get(id) ?? 0) + 1);
  }
  return copies;
}

/**
 * Waits for one whole sweeper run to start and end (a call during a timer's run returns that
 * run, so the second call is a fresh one).
 */
async function reconciled(): Promise<void> {
  await system.sweep();
  await system.sweep();
}

async function readAll(ids: readonly string[]): Promise<JobView[]> {
  return pool(ids, 16, async (id) => {
    const { status, body } = await client.get(id);
    expect(status, `GET /jobs/${id}`).toBe(200);
    return body as unknown as JobView;
  });
}

/**
 * The invariants that hold whenever the system is quiet: every job readable and finished, no
 * result recorded twice, every DLQ copy belongs to a Failed job of its type and every Failed
 * job has one. Returns the DLQ copies per type.
 */
async function checkQuietInvariants(ids: readonly string[], jobs: readonly JobView[]) {
  expect(jobs).toHaveLength(ids.length);
  const byId = new Map(jobs.map((job) => [job.id, job]));
  for (const [index, job] of jobs.entries()) {
    expect(job.id).toBe(ids[index]);
    expect(isTerminal(job.status), `${job.id} is ${job.status}`).toBe(true);
    expect(job.status).not.toBe('Canceled');
    const completedEntries = job.history.filter((h) => h.outcome === 'completed').length;
    // Acknowledged Completed writes: at most one per job, ever. A write whose answer was lost
    // (a DynamoDB restart) may be the one that recorded the result; a second result would show
    // as a second `completed` history entry, since every outcome write builds on the claim.
    const writes = faults.completedWrites.get(job.id) ?? 0;
    const unacknowledged = faults.completedWritesUnacknowledged.get(job.id) ?? 0;
    if (job.status === 'Completed') {
      expect(completedEntries, `completed history entries of ${job.id}`).toBe(1);
      expect(writes, `acknowledged results of ${job.id}`).toBeLessThanOrEqual(1);
      expect(writes + unacknowledged, `result writes of ${job.id}`).toBeGreaterThanOrEqual(1);
      expect(faults.resultsReturned.get(job.id) ?? 0).toBeGreaterThanOrEqual(1);
    } else {
      expect([completedEntries, writes], `results recorded for ${job.id}`).toEqual([0, 0]);
      // A job refused at submission was retried until accepted: none is left refused.
      expect(job.error?.code).not.toBe(ENQUEUE_FAILED);
    }
  }
  const copies: Record<string, Map<string, number>> = {};
  for (const name of TYPES) {
    const dlq = await deadLetters(name);
    copies[name] = dlq;
    for (const id of dlq.keys()) {
      expect(byId.get(id), `dead letter ${id} in ${name}`).toMatchObject({ status: 'Failed', name });
    }
  }
  for (const job of jobs) {
    if (job.status === 'Failed')
      expect(copies[job.name]?.get(job.id) ?? 0, `DLQ copy of ${job.id}`).toBeGreaterThan(0);
  }
  return copies;
}

function tally(jobs: readonly JobView[], plans: readonly Planned[]) {
  const counts: Record<string, Record<string, number>> = {};
  for (const [index, job] of jobs.entries()) {
    const kind = plans[index]?.kind ?? '?';
    const row = counts[kind] ?? {};
    counts[kind] = row;
    const key = job.status === 'Failed' ? `Failed:${job.error?.code}` : job.status;
    row[key] = (row[key] ?? 0) + 1;
  }
  return counts;
}

async function redriveAll(name: string) {
  const totals = { calls: 0, moved: 0, stale: 0, skipped: 0, notFound: 0, errors: 0 };
  for (let call = 0; call < 5; call++) {
    const reply = await client.request('POST', `/admin/jobs/${name}/redrive`, {
      body: JSON.stringify({ max: 10_000, ratePerSecond: 500 }),
      headers: { 'Content-Type': 'application/json', 'X-Local-Principal': DEFAULT_LOCAL_ADMIN_PRINCIPAL },
    });
    expect(reply.status).toBe(200);
    totals.calls += 1;
    for (const key of ['moved', 'stale', 'skipped', 'notFound', 'errors'] as const) {
      totals[key] += Number(reply.body[key]);
    }
    if (reply.body.complete === true) return totals;
  }
  throw new Error(`Redrive of ${name} did not complete in 5 calls`);
}

describe('fault injection, end to end', () => {
  it('loses no job, records no result twice, keeps records and queues in agreement, and redrives every retriable job', async () => {
    const began = Date.now();
    const plans = Array.from({ length: JOB_COUNT }, (_, i) => plan(i));
    const refused = new Set<string>();

    // 1. Submit everything with the faults on (restarting the emulators as submissions
    // progress), and keep them on while the backlog drains.
    faults.enabled = true;
    let accepted = 0;
    const ids = await pool(
      plans.map((_, i) => i),
      16,
      async (i) => {
        const id = await submitOnce(i, refused);
        restarts.progress(++accepted);
        return id;
      },
    );
    const submittedMs = Date.now() - began;
    await restarts.finish();
    await sleep(3_000);
    faults.enabled = false;

    // 2. Quiet: every job finished, the main queues empty, and one whole sweeper run since, so
    // its DLQ reconciliation has also deleted the copies SQS moved of jobs that completed.
    const settleMs = await quiescence(90_000);
    await reconciled();
    expect(new Set(ids).size).toBe(JOB_COUNT);
    const before = await readAll(ids);
    const copiesBefore = await checkQuietInvariants(ids, before);
    for (const [index, job] of before.entries()) {
      const planned = plans[index] as Planned;
      if (!planned.retriable) expect(job.status, `${planned.kind} ${job.id}`).toBe('Failed');
      // Its worker may have died on its last attempt (WORKER_LOST), or SQS given up on its
      // message first (RECEIVE_LIMIT_EXCEEDED).
      if (planned.kind === 'sleep-deadline')
        expect(['JOB_TIMEOUT', WORKER_LOST, RECEIVE_LIMIT_EXCEEDED]).toContain(job.error?.code);
    }
    const historyCount = (jobs: readonly JobView[], match: (h: JobView['history'][number]) => boolean) =>
      jobs.reduce((n, job) => n + job.history.filter(match).length, 0);
    const deadlineTimeouts = historyCount(before, (h) => h.errorCode === 'JOB_TIMEOUT');
    // Every job a dead worker left InProgress was recovered: its attempt is `abandoned`, by the
    // sweeper (lease expired: WORKER_LOST) or by a redelivery that re-claimed it.
    const byId = new Map(before.map((job) => [job.id, job]));
    for (const id of faults.deaths.jobsLeftInProgress) {
      const history = byId.get(id)?.history ?? [];
      expect(
        history.some((h) => h.outcome === 'abandoned'),
        `recovery of ${id}: ${JSON.stringify(history)}`,
      ).toBe(true);
    }
    const recoveries = {
      workerLost: historyCount(before, (h) => h.errorCode === WORKER_LOST),
      reclaimedAfterLeaseExpiry: historyCount(before, (h) => h.outcome === 'abandoned' && !h.errorCode),
      receiveLimitExceeded: historyCount(before, (h) => h.errorCode === RECEIVE_LIMIT_EXCEEDED),
    };
    expect(recoveries.workerLost, 'WORKER_LOST recoveries by the sweeper').toBeGreaterThan(0);
    // SQS dead-lettered some messages itself, and the sweeper failed their jobs to match.
    expect(throttledJobs.size, 'jobs throttled until SQS dead-lettered them').toBeGreaterThan(0);
    expect(recoveries.receiveLimitExceeded, 'jobs whose message SQS dead-lettered').toBeGreaterThan(0);
    expect(faults.deaths.died).toBeGreaterThan(0);
    expect(faults.deaths.jobsLeftInProgress.size).toBeGreaterThanOrEqual(faults.deaths.died);
    const restarted = { sqs: 0, dynamodb: 0 };
    for (const r of restarts.done) restarted[r.target] += 1;
    expect(restarted).toEqual({ sqs: 2, dynamodb: 2 });
    expect(
      Object.keys(submitAnswers).filter((answer) => answer.startsWith('5') && !answer.startsWith('503')),
    ).toEqual([]);
    // Every kind of fault happened (a kill of a one-record batch abandons nothing, so the
    // per-record tallies are only printed).
    const kinds = [
      'processorKilled',
      'duplicateInvocation',
      'enqueueFailed',
      'claimThrottled',
      'outcomeThrottled',
    ] as const;
    for (const kind of kinds) expect(faults.injected[kind], `faults injected: ${kind}`).toBeGreaterThan(0);
    expect(deadlineTimeouts).toBeGreaterThanOrEqual(50);

    // 3. Redrive every dead letter: each retriable job completes, the others fail again.
    const failedBefore = before.filter((job) => job.status === 'Failed');
    const redrives: Record<string, Awaited<ReturnType<typeof redriveAll>>> = {};
    for (const name of TYPES) redrives[name] = await redriveAll(name);
    const moved = Object.values(redrives).reduce((n, r) => n + r.moved, 0);
    expect(Object.values(redrives).every((r) => r.errors === 0 && r.notFound === 0)).toBe(true);
    expect(moved).toBeGreaterThanOrEqual(failedBefore.length);

    const redriveSettleMs = await quiescence(45_000);
    await reconciled();
    const after = await readAll(ids);
    const copiesAfter = await checkQuietInvariants(ids, after);
    for (const [index, job] of after.entries()) {
      const planned = plans[index] as Planned;
      expect(job.status, `${planned.kind} ${job.id} after the redrive`).toBe(
        planned.retriable ? 'Completed' : 'Failed',
      );
      if (planned.kind === 'sleep-deadline') expect(job.error?.code).toBe('JOB_TIMEOUT');
    }

    const dlqCount = (copies: Record<string, Map<string, number>>) =>
      Object.fromEntries(
        Object.entries(copies).map(([name, m]) => [name, [...m.values()].reduce((a, b) => a + b, 0)]),
      );
    const executions = [...faults.resultsReturned.values()];
    console.log(
      JSON.stringify(
        {
          faultSuite: {
            dynamodb: system.dynamodb.kind,
            jobs: JOB_COUNT,
            refusedAtSubmissionThenAccepted: refused.size,
            outcomesBeforeRedrive: tally(before, plans),
            outcomesAfterRedrive: tally(after, plans),
            faultsInjected: {
              ...faults.injected,
              workerDiedWithLiveLease: faults.deaths.died,
              throttledUntilDeadLettered: { jobs: throttledJobs.size, deliveries: throttledDeliveries },
              sqsRestarts: restarted.sqs,
              dynamodbRestarts: restarted.dynamodb,
              deadlineTimeouts,
            },
            restarts: restarts.done.map(({ target, kind, downMs, afterJobs }) => ({
              target,
              kind,
              downMs,
              afterJobs,
            })),
            deadWorkers: {
              jobsLeftInProgress: faults.deaths.jobsLeftInProgress.size,
              callsSwallowed: faults.deaths.callsSwallowed,
            },
            recoveredBeforeRedrive: recoveries,
            submitAnswers,
            resultsRecordedByAnUnacknowledgedWrite: [...faults.completedWritesUnacknowledged.keys()].filter(
              (id) => byId.get(id)?.status === 'Completed' && (faults.completedWrites.get(id) ?? 0) === 0,
            ).length,
            eventSourceErrors,
            dlqCopiesBeforeRedrive: dlqCount(copiesBefore),
            failedJobsBeforeRedrive: failedBefore.length,
            redrive: redrives,
            dlqCopiesAfterRedrive: dlqCount(copiesAfter),
            handlerResultsReturnedMoreThanOnce: executions.filter((n) => n > 1).length,
            ms: {
              submit: submittedMs,
              settle: settleMs,
              redriveSettle: redriveSettleMs,
              total: Date.now() - began,
            },
          },
        },
        null,
        1,
      ),
    );
  }, 300_000);
});
