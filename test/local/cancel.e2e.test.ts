/**
 * `DELETE /jobs/{id}` end to end through HTTP against the local system: a queued job ends at
 * once and never runs; a running one is stopped by its worker at its next cancel check. The
 * processor lease is the default 60 s (renewed every 20 s), so a running job stopped sooner was
 * stopped by a check of its cancel flag: every processor's DynamoDB calls are counted to prove it.
 */

import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobTypeDefinition } from '../../lambdas/core/job-type';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { LOCAL_AWS } from '../../local/emulators/types';
import { loadLocalConfig } from '../../local/local-config';
import { acceptedId, jobOf, until, useLocalSystem } from '../support/local-e2e';

/** One processor's DynamoDB call: the operation and the job it was about. */
interface TableCall {
  readonly jobType: string;
  readonly operation: string;
  readonly jobId: string | undefined;
  /** A read of named attributes only: the cancel check's shape. */
  readonly projected: boolean;
}

const calls: TableCall[] = [];
const ownClients: DynamoDBClient[] = [];

/** A document client for `jobType`'s processor that notes every call in {@link calls}. */
function countedDocumentClient(endpoint: string, jobType: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  ownClients.push(client);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: { id?: unknown }; ProjectionExpression?: string };
      const id = input.Key?.id;
      calls.push({
        jobType,
        operation: String(context.commandName).replace(/Command$/, ''),
        jobId: typeof id === 'string' ? id : (id as { S?: string } | undefined)?.S,
        projected: input.ProjectionExpression !== undefined,
      });
      return next(args);
    },
    { step: 'initialize', name: 'countTableCalls' },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

const checksOf = (id: string) =>
  calls.filter((c) => c.jobId === id && c.operation === 'GetItem' && c.projected).length;
const processorWritesOf = (id: string, operation: string) =>
  calls.filter((c) => c.jobId === id && c.operation === operation).length;

/** Why each running job's signal fired, by job id: what the handler itself saw. */
const abortReasons = new Map<string, string>();

/**
 * The catalog's job types, with the handlers watched: sleep notes why its signal fired, and
 * echo holds for `holdMs` (abortably) when asked, so a job type checking at another interval
 * can run long too. Names and settings are the catalog's.
 */
const watchedJobTypes: JobTypeDefinition[] = jobTypes.map((type): JobTypeDefinition => {
  if (type.name === 'echo') {
    return {
      ...type,
      handler: async (input, context) => {
        const holdMs = (input as { holdMs?: unknown }).holdMs;
        if (typeof holdMs === 'number') await delay(holdMs, undefined, { signal: context.signal });
        return input;
      },
    };
  }
  if (type.name !== 'sleep') return type;
  return {
    ...type,
    handler: (input, context) => {
      context.signal.addEventListener('abort', () => {
        abortReasons.set(context.jobId, (context.signal.reason as Error).name);
      });
      return type.handler(input, context);
    },
  };
});

const local = useLocalSystem(() => ({
  config: loadLocalConfig({
    jobTypes: {
      // Two sleeps at most run at once, one per invocation: a third one waits Queued. Its cancel
      // check keeps the default (2 s).
      sleep: { maxConcurrency: 2, reservedConcurrency: 2, batchSize: 1 },
      echo: { cancelCheckSeconds: 0.5 },
    },
  }),
  jobTypes: watchedJobTypes,
  clientsFor: (component, emulators, jobType) =>
    component === 'processor' && jobType
      ? { documentClient: countedDocumentClient(emulators.dynamodb.endpoint, jobType) }
      : undefined,
}));

afterAll(() => {
  for (const client of ownClients) client.destroy();
});

const LONG_SLEEP_MS = 15_000;
/** The first lease renewal of a job comes a third of the 60 s lease after its claim. */
const FIRST_RENEWAL_MS = 20_000;

const job = (id: string) => jobOf(local.client, id);
const submitSleep = (ms: number) => acceptedId(local.client, 'sleep', { ms });

describe('DELETE /jobs/{id}, end to end', () => {
  it('cancels a queued job at once (200), and it never starts', async () => {
    const ids = [
      await submitSleep(LONG_SLEEP_MS),
      await submitSleep(LONG_SLEEP_MS),
      await submitSleep(LONG_SLEEP_MS),
    ];
    const jobs = await until(
      () => Promise.all(ids.map(job)),
      (all) => all.filter((j) => j.status === 'InProgress').length === 2,
    );
    const queued = jobs.find((j) => j.status === 'Queued');
    expect(queued).toBeDefined();
    const canceled = await local.client.cancel(String(queued?.id));
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({
      id: queued?.id,
      status: 'Canceled',
      startedAt: null,
      attempt: 0,
      error: { code: 'CANCELED' },
    });

    // Free the two workers: cancel the running jobs too (each 202, then Canceled).
    const running = jobs.filter((j) => j.status === 'InProgress');
    for (const j of running) expect((await local.client.cancel(j.id)).status).toBe(202);
    for (const j of running)
      expect((await local.client.waitFor(j.id, { timeoutMs: 10_000 })).job.status).toBe('Canceled');

    // The canceled job's message was delivered once a worker was free, and acknowledged unrun.
    const queueUrl = local.system.provisioned.queues.sleep?.queueUrl;
    await until(
      () =>
        local.system.sqs.client.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        ),
      ({ Attributes = {} }) =>
        Attributes.ApproximateNumberOfMessages === '0' &&
        Attributes.ApproximateNumberOfMessagesNotVisible === '0',
    );
    expect(await job(String(queued?.id))).toMatchObject({
      status: 'Canceled',
      attempt: 0,
      startedAt: null,
      history: [],
    });
  });

  it('stops a running job at default settings through its cancel check, long before a lease renewal', async () => {
    const id = await submitSleep(LONG_SLEEP_MS);
    await until(
      () => job(id),
      (j) => j.status === 'InProgress',
    );
    const reply = await local.client.cancel(id);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ id, status: 'InProgress', cancelRequested: true });
    // Asking again changes nothing.
    expect((await local.client.cancel(id)).status).toBe(202);

    // A check every 2 s stops it within seconds; the wait only bounds a broken build.
    const { job: done } = await local.client.waitFor(id, { timeoutMs: 15_000 });
    expect(done).toMatchObject({
      status: 'Canceled',
      cancelRequested: true,
      attempt: 1,
      error: { code: 'CANCELED' },
      result: null,
    });
    expect(done.history.map((h) => [h.attempt, h.outcome, h.errorCode])).toEqual([
      [1, 'canceled', 'CANCELED'],
    ]);
    // The handler saw the cancel through its signal.
    expect(abortReasons.get(id)).toBe('JobCanceledError');
    // Seen by a check: the worker read the flag, and never renewed its lease (the claim is its
    // only UpdateItem; the outcome is a PutItem); it ended before any renewal was due.
    expect(checksOf(id)).toBeGreaterThanOrEqual(1);
    expect(processorWritesOf(id, 'UpdateItem')).toBe(1);
    expect(Date.parse(done.completedAt ?? '') - Date.parse(done.startedAt ?? '')).toBeLessThan(
      FIRST_RENEWAL_MS,
    );
  });

  it("checks at each job type's own interval, and not at all in a job shorter than it", async () => {
    // sleep checks every 2 s, echo (configured above) every 0.5 s: the same 2.6 s of work.
    const sleeper = await submitSleep(2_600);
    const { body } = await local.client.submit('echo', { holdMs: 2_600 });
    const holder = String(body.id);
    const short = await submitSleep(500);
    for (const id of [sleeper, holder, short])
      expect((await local.client.waitFor(id, { timeoutMs: 30_000 })).job.status).toBe('Completed');

    expect(checksOf(sleeper)).toBe(1);
    // Five on time; fewer only if this machine stalls for seconds.
    expect(checksOf(holder)).toBeGreaterThanOrEqual(3);
    expect(checksOf(short)).toBe(0);
    expect(calls.find((c) => c.jobId === holder && c.projected)?.jobType).toBe('echo');
  });

  it('refuses a cancelCheckSeconds out of range, naming the job type and the range', () => {
    expect(() => loadLocalConfig({ jobTypes: { sleep: { cancelCheckSeconds: 60 } } })).toThrow(
      'jobTypes.sleep.cancelCheckSeconds must be 0 (no checks: the lease renewals every 20 s see a cancel) or a number of seconds in 0.5..20, got 60',
    );
  });

  it('answers 409 for a job that already finished', async () => {
    const { body } = await local.client.submit('echo', { n: 1 });
    const id = String(body.id);
    expect((await local.client.waitFor(id)).job.status).toBe('Completed');
    const reply = await local.client.cancel(id);
    expect(reply.status).toBe(409);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.body).toMatchObject({ status: 409, code: 'JOB_ALREADY_FINISHED', jobId: id });
    expect((await job(id)).status).toBe('Completed');
  });

  it("answers 404 for another caller's job and leaves it alone", async () => {
    const id = await submitSleep(50);
    const reply = await local.client.cancel(id, 'mallory');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ code: 'JOB_NOT_FOUND' });
    expect((await local.client.waitFor(id)).job.status).toBe('Completed');
  });
});
