/**
 * End to end through HTTP against the local system (DynamoDB Local or dynalite, fauxqs, the
 * event-source emulator), exactly as `npm start` runs it.
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../local/local-config';
import { useLocalSystem } from '../support/local-e2e';

const local = useLocalSystem(() => ({
  config: loadLocalConfig({
    maxBodyBytes: 4_096,
    jobTypes: {
      // One job per invocation, two invocations at most: overlap is measurable from the jobs.
      sleep: { maxConcurrency: 2, reservedConcurrency: 2, batchSize: 1 },
      fail: { maxRetries: 2, backoffBaseSeconds: 1 },
    },
  }),
}));

describe('local system, end to end', () => {
  it('answers the health check', async () => {
    expect(await local.client.request('GET', '/health')).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it('runs an echo job to completion and returns its result', async () => {
    const submitted = await local.client.submit('echo', { hello: 'world', n: [1, 2] });
    expect(submitted.status).toBe(202);
    expect(submitted.headers.get('location')).toBe(`/jobs/${submitted.body.id}`);
    expect(Number(submitted.headers.get('retry-after'))).toBeGreaterThan(0);
    const { job } = await local.client.waitFor(String(submitted.body.id));
    expect(job).toMatchObject({
      status: 'Completed',
      result: { hello: 'world', n: [1, 2] },
      attempt: 1,
      error: null,
    });
  });

  it('retries a flaky job with backoff until it succeeds', async () => {
    const { body } = await local.client.submit('flaky', { failTimes: 2 });
    const { job } = await local.client.waitFor(String(body.id));
    expect(job).toMatchObject({
      status: 'Completed',
      retryCount: 2,
      attempt: 3,
      result: { succeededOnAttempt: 3 },
    });
    expect(job.history.map((h) => h.outcome)).toEqual(['retry-scheduled', 'retry-scheduled', 'completed']);
    for (const h of job.history) {
      expect(Date.parse(h.endedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(h.startedAt ?? ''));
    }
  });

  it('fails a permanent failure on the first attempt and puts its message in the DLQ', async () => {
    const { body } = await local.client.submit('fail', { permanent: true });
    const { job } = await local.client.waitFor(String(body.id));
    expect(job).toMatchObject({
      status: 'Failed',
      attempt: 1,
      retryCount: 0,
      error: { code: 'PLANNED_FAILURE' },
    });
    const dlq = local.system.provisioned.queues.fail?.deadLetterQueueUrl;
    const { Messages = [] } = await local.system.sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: dlq,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 1,
      }),
    );
    const ours = Messages.filter((m) => m.MessageAttributes?.jobId?.StringValue === job.id);
    expect(ours).toHaveLength(1);
    expect(ours[0]?.MessageAttributes?.errorCode?.StringValue).toBe('PLANNED_FAILURE');
  });

  it('fails a transient failure after maxRetries, waiting out a backoff between attempts', async () => {
    const { body } = await local.client.submit('fail', { permanent: false });
    const { job, seen } = await local.client.waitFor(String(body.id));
    expect(job).toMatchObject({ status: 'Failed', attempt: 3, retryCount: 2, maxRetries: 2 });
    const scheduled = seen.filter((s) => s.status === 'Scheduled');
    expect(scheduled.length).toBeGreaterThan(0);
    for (const s of scheduled)
      expect(Date.parse(s.retryDelayUntil ?? '')).toBeGreaterThanOrEqual(Date.parse(s.lastUpdatedAt));
  });

  it('returns the same job for an idempotent resubmission', async () => {
    const headers = { 'Idempotency-Key': 'e2e-key-1' };
    const first = await local.client.submit('echo', { a: 1 }, headers);
    const second = await local.client.submit('echo', { a: 1 }, headers);
    expect([first.status, second.status]).toEqual([202, 200]);
    expect(second.body.id).toBe(first.body.id);
    expect((await local.client.submit('echo', { a: 2 }, headers)).status).toBe(422);
  });

  it('hides a job from another caller (X-Local-Principal)', async () => {
    const { body } = await local.client.submit('echo', {}, { 'X-Local-Principal': 'alice' });
    expect((await local.client.get(String(body.id), 'alice')).status).toBe(200);
    const other = await local.client.get(String(body.id), 'bob');
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toBe('application/problem+json');
  });

  it.each([
    [
      'invalid JSON',
      () =>
        local.client.request('POST', '/jobs/echo', {
          body: '{',
          headers: { 'Content-Type': 'application/json' },
        }),
      400,
    ],
    ['a schema violation', () => local.client.submit('sleep', { ms: 'long' }), 400],
    ['an unknown job type', () => local.client.submit('nope', {}), 404],
    [
      'a non-JSON body',
      () =>
        local.client.request('POST', '/jobs/echo', { body: 'hi', headers: { 'Content-Type': 'text/plain' } }),
      415,
    ],
    ['a body over maxBodyBytes', () => local.client.submit('echo', { big: 'x'.repeat(5_000) }), 413],
    ['an unknown id', () => local.client.get('00000000-0000-4000-8000-000000000000'), 404],
    ['a malformed id', () => local.client.get('..%2F..%2Fetc'), 404],
    ['a wrong method', () => local.client.request('PUT', '/jobs/echo'), 405],
    ['an unknown route', () => local.client.request('GET', '/nope'), 404],
  ])('answers problem JSON for %s', async (_label, send, status) => {
    const reply = await send();
    expect(reply.status).toBe(status);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.body).toMatchObject({ status, detail: expect.any(String) });
  });

  it('never runs more than maxConcurrency (2) invocations at once', async () => {
    const replies = await Promise.all(
      Array.from({ length: 12 }, () => local.client.submit('sleep', { ms: 150 })),
    );
    const jobs = await Promise.all(
      replies.map((r) => local.client.waitFor(String(r.body.id)).then((w) => w.job)),
    );
    expect(jobs.every((j) => j.status === 'Completed')).toBe(true);
    const events = jobs.flatMap((j) => [
      { at: Date.parse(j.startedAt ?? ''), delta: 1 },
      { at: Date.parse(j.completedAt ?? ''), delta: -1 },
    ]);
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let running = 0;
    let peak = 0;
    for (const e of events) {
      running += e.delta;
      peak = Math.max(peak, running);
    }
    expect(peak).toBe(2);
    expect(local.system.eventSources.sleep?.stats.maxConcurrentInvocations).toBeLessThanOrEqual(2);
  });
});
