/**
 * Owner retry and admin redrive end to end, through HTTP against the local system: jobs that
 * failed land in their DLQ, and come back from it with their records reset.
 *
 * `fail {"permanent":true}` fails at once on every attempt. `flaky {"failTimes":3}` with
 * `maxRetries: 1` fails attempts 1-2 (then Failed, dead-lettered); after a retry or redrive it
 * gets its whole retry budget again, fails attempt 3 and completes on attempt 4.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import type { JobView } from '../../lambdas/core/job';
import { DEFAULT_LOCAL_ADMIN_PRINCIPAL } from '../../local/api-gateway-event';
import { loadLocalConfig } from '../../local/local-config';
import { acceptedId, until, useLocalSystem } from '../support/local-e2e';

const local = useLocalSystem(() => ({
  config: loadLocalConfig({
    jobTypes: { flaky: { maxRetries: 1, backoffBaseSeconds: 1, backoffMaxSeconds: 1 } },
  }),
}));

/** Messages in a job type's DLQ, visible or not. */
async function deadLetters(name: string): Promise<number> {
  const { Attributes = {} } = await local.system.sqs.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: local.system.provisioned.queues[name]?.deadLetterQueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

const submit = (name: string, input: unknown) => acceptedId(local.client, name, input);

async function finished(id: string): Promise<JobView> {
  return (await local.client.waitFor(id, { timeoutMs: 15_000 })).job;
}

function redrive(name: string, body: unknown = {}) {
  return local.client.request('POST', `/admin/jobs/${name}/redrive`, {
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', 'X-Local-Principal': DEFAULT_LOCAL_ADMIN_PRINCIPAL },
  });
}

const PERMANENT = { permanent: true };
const ids: Record<string, string> = {};

describe('owner retry and admin redrive, end to end', () => {
  it('retries a Failed job for its owner: Queued at once, then run again, with both runs in its history', async () => {
    ids.a = await submit('fail', PERMANENT);
    expect(await finished(ids.a)).toMatchObject({ status: 'Failed', attempt: 1 });
    await until(
      () => deadLetters('fail'),
      (n) => n === 1,
    );

    expect(
      (
        await local.client.request('POST', `/jobs/${ids.a}/retry`, {
          headers: { 'X-Local-Principal': 'bob' },
        })
      ).status,
    ).toBe(404);
    const reply = await local.client.request('POST', `/jobs/${ids.a}/retry`);
    expect(reply.status).toBe(202);
    expect(reply.headers.get('location')).toBe(`/jobs/${ids.a}`);
    expect(reply.body).toMatchObject({ id: ids.a, status: 'Queued', retryCount: 0, error: null });

    const again = await finished(ids.a);
    expect(again).toMatchObject({ status: 'Failed', attempt: 2, error: { code: 'PLANNED_FAILURE' } });
    expect(again.history.map((h) => [h.attempt, h.outcome])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    // Its first copy is still there, beside the second one.
    await until(
      () => deadLetters('fail'),
      (n) => n === 2,
    );

    const echo = await submit('echo', { hello: 'world' });
    expect((await finished(echo)).status).toBe('Completed');
    const conflict = await local.client.request('POST', `/jobs/${echo}/retry`);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ code: 'JOB_NOT_FAILED', jobStatus: 'Completed' });
  });

  it('redrives every dead letter: each Failed job is reset and processed again, and record and DLQ agree', async () => {
    ids.b = await submit('fail', PERMANENT);
    ids.c = await submit('fail', PERMANENT);
    for (const id of [ids.b, ids.c]) expect((await finished(String(id))).status).toBe('Failed');
    await until(
      () => deadLetters('fail'),
      (n) => n === 4,
    );

    const reply = await redrive('fail');
    expect(reply.status).toBe(200);
    const counts = reply.body as Record<string, unknown>;
    // A's older copy is stale unless A already failed again when it was read (then it moves A once more).
    expect(counts).toMatchObject({ errors: 0, notFound: 0, complete: true, stoppedBy: 'drained' });
    // Copies of jobs this run moved that failed again at once are left for the next run.
    expect(Number(counts.skipped)).toBeLessThanOrEqual(Number(counts.moved));
    expect(Number(counts.moved) + Number(counts.stale)).toBe(4);
    expect(Number(counts.moved)).toBeGreaterThanOrEqual(3);

    const jobs = await Promise.all([ids.a, ids.b, ids.c].map((id) => finished(String(id))));
    expect(jobs.map((j) => j.status)).toEqual(['Failed', 'Failed', 'Failed']);
    expect(jobs[1]?.attempt).toBe(2);
    expect(jobs[2]?.attempt).toBe(2);
    expect(jobs[0]?.attempt).toBe(2 + Number(counts.moved) - 2);
    // Each job moved failed once more, so each left exactly one new copy.
    await until(
      () => deadLetters('fail'),
      (n) => n === Number(counts.moved),
    );
  });

  it('redrives only the job ids it names', async () => {
    const before = await deadLetters('fail');
    const [b, c] = await Promise.all([local.client.get(String(ids.b)), local.client.get(String(ids.c))]);
    const reply = await redrive('fail', { jobIds: [ids.b] });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ moved: 1, stale: 0, errors: 0, complete: true });

    const movedB = await finished(String(ids.b));
    expect(movedB).toMatchObject({ status: 'Failed', attempt: Number(b.body.attempt) + 1 });
    const untouched = await local.client.get(String(ids.c));
    expect(untouched.body).toMatchObject({ status: 'Failed', attempt: c.body.attempt });
    expect(untouched.body.lastUpdatedAt).toBe(c.body.lastUpdatedAt);
    await until(
      () => deadLetters('fail'),
      (n) => n === before,
    );
  });

  it('completes every retriable job with a redrive, and deletes the copy of one its owner retried as stale', async () => {
    const flaky = await Promise.all([1, 2, 3, 4].map(() => submit('flaky', { failTimes: 3 })));
    for (const id of flaky) {
      expect(await finished(id)).toMatchObject({ status: 'Failed', attempt: 2, retryCount: 1 });
    }
    await until(
      () => deadLetters('flaky'),
      (n) => n === 4,
    );
    // The owner retries the last one first: it completes, and its dead letter becomes stale.
    const retried = String(flaky[3]);
    expect((await local.client.request('POST', `/jobs/${retried}/retry`)).status).toBe(202);
    expect(await finished(retried)).toMatchObject({ status: 'Completed', attempt: 4 });

    const first = await redrive('flaky', { max: 1 });
    expect(first.body).toMatchObject({ complete: false, stoppedBy: 'max', errors: 0 });
    const rest = await redrive('flaky', { ratePerSecond: 500 });
    expect(rest.body).toMatchObject({ complete: true, stoppedBy: 'drained', errors: 0 });
    const total = (key: string) => Number(first.body[key]) + Number(rest.body[key]);
    expect([total('moved'), total('stale')]).toEqual([3, 1]);

    for (const id of flaky) {
      const job = await finished(id);
      expect(job).toMatchObject({ status: 'Completed', attempt: 4, result: { succeededOnAttempt: 4 } });
      expect(job.history.map((h) => h.outcome)).toEqual([
        'retry-scheduled',
        'failed',
        'retry-scheduled',
        'completed',
      ]);
    }
    expect(await deadLetters('flaky')).toBe(0);
  }, 20_000);

  it('answers 404 for an unknown job type and 405 for another method', async () => {
    expect((await redrive('nope')).status).toBe(404);
    expect((await local.client.request('GET', '/admin/jobs/fail/redrive')).status).toBe(405);
    expect((await local.client.request('GET', `/jobs/${ids.a}/retry`)).status).toBe(405);
  });

  it('answers 403, as IAM would, to a caller that is not the admin principal', async () => {
    const callers: Record<string, string>[] = [{}, { 'X-Local-Principal': 'someone-else' }];
    for (const headers of callers) {
      const reply = await local.client.request('POST', '/admin/jobs/fail/redrive', {
        body: '{}',
        headers: { 'Content-Type': 'application/json', ...headers },
      });
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ title: 'ACCESS_DENIED' });
    }
  });
});
