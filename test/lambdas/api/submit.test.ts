import { describe, expect, it } from 'vitest';
import { InMemoryJobQueue } from '../../../lambdas/adapters/in-memory-job-queue';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import { MAX_CALLER_BYTES } from '../../../lambdas/api/caller';
import { MAX_JSON_DEPTH } from '../../../lambdas/api/parse-body';
import { makeSubmitHandler, type SubmitHandlerDeps } from '../../../lambdas/api/submit';
import { JobCatalog } from '../../../lambdas/core/catalog';
import { jobTypes } from '../../../lambdas/jobs/catalog';
import { ALICE, apiEvent, BOB } from '../../support/api-events';
import { ManualClock, sequentialIds, silentLogger } from '../../support/jobs';

function setup(overrides: Partial<SubmitHandlerDeps> = {}) {
  const store = new InMemoryJobStore();
  const queue = new InMemoryJobQueue();
  const submitted: string[] = [];
  const errors: unknown[] = [];
  const handler = makeSubmitHandler({
    catalog: new JobCatalog(jobTypes),
    store,
    queueFor: () => queue,
    clock: new ManualClock(),
    ids: sequentialIds(),
    logger: { ...silentLogger, error: (_m: string, ...extra: unknown[]) => errors.push(extra) },
    retentionSeconds: 86_400,
    maxBodyBytes: 1_024,
    countSubmitted: (name) => submitted.push(name),
    ...overrides,
  });
  return { handler, store, queue, submitted, errors };
}

const body = (response: { body: string }) => JSON.parse(response.body);

describe('POST /jobs/{name}', () => {
  it('answers 202 with the job, Location and Retry-After', async () => {
    const { handler, queue, submitted } = setup();
    const response = await handler(apiEvent({ body: '{"hello":"world"}' }));
    expect(response.statusCode).toBe(202);
    const job = body(response);
    expect(job).toMatchObject({ name: 'echo', status: 'Queued', retryCount: 0, maxRetries: 3, result: null });
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/json',
      Location: `/prod/jobs/${job.id}`,
      'Retry-After': '2',
    });
    expect(job).not.toHaveProperty('owner');
    expect(job).not.toHaveProperty('input');
    expect(queue.sent).toEqual([{ id: job.id, name: 'echo' }]);
    expect(submitted).toEqual(['echo']);
  });

  it('takes the owner from the IAM request context, reducing sessions to their role', async () => {
    const { handler, store } = setup();
    const caller = 'arn:aws:sts::111111111111:assumed-role/Client/session-42';
    const job = body(
      await handler(apiEvent({ caller, headers: { 'content-type': 'application/json', 'x-owner': 'x' } })),
    );
    expect((await store.get(job.id))?.owner).toBe('arn:aws:sts::111111111111:assumed-role/Client');
  });

  it('answers 403 for a caller identity longer than an index key may be, storing nothing', async () => {
    // The owner keys the ByOwner index: DynamoDB refuses a partition key over 2,048 bytes (a 500).
    const { handler, store } = setup();
    const caller = `arn:aws:iam::111111111111:user/${'p'.repeat(MAX_CALLER_BYTES)}`;
    const response = await handler(apiEvent({ caller }));
    expect(response.statusCode).toBe(403);
    expect(body(response)).toMatchObject({ status: 403, code: 'INVALID_CALLER_IDENTITY' });
    expect(store.jobs.size).toBe(0);
    const longest = await handler(apiEvent({ caller: 'a'.repeat(MAX_CALLER_BYTES) }));
    expect(longest.statusCode).toBe(202);
  });

  it('answers 403 without an IAM identity', async () => {
    const { handler, store } = setup();
    const response = await handler(apiEvent({ caller: null }));
    expect(response.statusCode).toBe(403);
    expect(store.jobs.size).toBe(0);
  });

  it.each([
    ['invalid JSON', apiEvent({ body: '{"a":' }), 400, 'INVALID_JSON'],
    ['a body failing the schema', apiEvent({ nameOrId: 'sleep', body: '{"ms":"x"}' }), 400, 'INVALID_INPUT'],
    ['a missing body the schema requires', apiEvent({ nameOrId: 'sleep', body: null }), 400, 'INVALID_INPUT'],
    ['an unknown job type', apiEvent({ nameOrId: 'nope' }), 404, 'UNKNOWN_JOB_TYPE'],
    [
      'a body over the limit',
      apiEvent({ body: JSON.stringify({ x: 'y'.repeat(2_000) }) }),
      413,
      'BODY_TOO_LARGE',
    ],
    [
      'a non-JSON media type',
      apiEvent({ headers: { 'Content-Type': 'text/plain' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['no media type', apiEvent({ headers: {} }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'a malformed idempotency key',
      apiEvent({ headers: { 'Content-Type': 'application/json', 'Idempotency-Key': '\u00e9' } }),
      400,
      'INVALID_IDEMPOTENCY_KEY',
    ],
  ])('answers problem JSON for %s, storing nothing', async (_label, event, status, code) => {
    const { handler, store, queue } = setup();
    const response = await handler(event);
    expect(response.statusCode).toBe(status);
    expect(response.headers?.['Content-Type']).toBe('application/problem+json');
    expect(body(response)).toMatchObject({
      status,
      code,
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(store.jobs.size).toBe(0);
    expect(queue.sent).toEqual([]);
  });

  it('names the offending field of a schema failure', async () => {
    const { handler } = setup();
    const problem = body(await handler(apiEvent({ nameOrId: 'sleep', body: '{"ms":-5}' })));
    expect(problem.errors).toEqual([{ path: '$.ms', message: expect.any(String) }]);
    expect(problem.detail).toContain('$.ms');
  });

  it('accepts JSON media types with parameters and +json suffixes', async () => {
    const { handler } = setup();
    for (const type of ['application/json; charset=utf-8', 'application/vnd.api+json']) {
      expect((await handler(apiEvent({ headers: { 'Content-Type': type } }))).statusCode).toBe(202);
    }
  });

  it('decodes a base64 body', async () => {
    const { handler } = setup();
    const event = {
      ...apiEvent(),
      body: Buffer.from('{"b64":true}').toString('base64'),
      isBase64Encoded: true,
    };
    expect((await handler(event)).statusCode).toBe(202);
  });

  describe('idempotency', () => {
    const withKey = (key: string, json = '{"a":1}', header = 'Idempotency-Key') =>
      apiEvent({ body: json, headers: { 'Content-Type': 'application/json', [header]: key } });

    it('returns the same job with 200 for a repeated key', async () => {
      const { handler, queue } = setup();
      const first = await handler(withKey('"k-1"'));
      const second = await handler(withKey('"k-1"'));
      expect(first.statusCode).toBe(202);
      expect(second.statusCode).toBe(200);
      expect(body(second).id).toBe(body(first).id);
      expect(second.headers?.Location).toBe(first.headers?.Location);
      // The job has not started: its message is sent again (harmless), in case the first was not.
      expect(queue.sent.map((m) => m.id)).toEqual([body(first).id, body(first).id]);
    });

    it('treats X-Async-Request-Id as the same key', async () => {
      const { handler } = setup();
      const first = await handler(withKey('k-2'));
      const second = await handler(withKey('k-2', '{"a":1}', 'X-Async-Request-Id'));
      expect(body(second).id).toBe(body(first).id);
    });

    it('answers 422 for the same key with a different body', async () => {
      const { handler } = setup();
      await handler(withKey('k-3'));
      const response = await handler(withKey('k-3', '{"a":2}'));
      expect(response.statusCode).toBe(422);
      expect(body(response).code).toBe('IDEMPOTENCY_KEY_MISMATCH');
    });

    it('creates exactly one job for concurrent duplicates', async () => {
      const { handler, store, queue } = setup();
      const responses = await Promise.all(Array.from({ length: 10 }, () => handler(withKey('k-4'))));
      expect(responses.map((r) => r.statusCode).sort()).toEqual([
        200, 200, 200, 200, 200, 200, 200, 200, 200, 202,
      ]);
      expect(store.jobs.size).toBe(1);
      expect(new Set(queue.sent.map((m) => m.id)).size).toBe(1);
    });

    it('keeps callers apart', async () => {
      const { handler } = setup();
      const a = body(await handler(withKey('k-5')));
      const b = body(
        await handler({ ...withKey('k-5'), requestContext: apiEvent({ caller: BOB }).requestContext }),
      );
      expect(a.id).not.toBe(b.id);
      expect(ALICE).not.toBe(BOB);
    });
  });

  it('answers 503 with Retry-After, and marks the record, when the enqueue fails', async () => {
    const { handler, store } = setup({
      queueFor: () => ({ enqueue: () => Promise.reject(new Error('SQS down')) }),
    });
    const response = await handler(apiEvent());
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({
      'Retry-After': '5',
      'Content-Type': 'application/problem+json',
    });
    const problem = body(response);
    expect(problem.code).toBe('ENQUEUE_FAILED');
    expect((await store.get(problem.jobId))?.status).toBe('Failed');
  });

  it('answers 413 for a body under the limit whose numbers outgrow it as stored, storing nothing', async () => {
    // 200 x `1e20,` is 1,000 bytes as sent, 4,400 once written out: the record would be larger
    // than the body limit promises (with the default limit, larger than DynamoDB takes: a 500).
    const { handler, store } = setup();
    const numbers = `{"a":[${Array(200).fill('1e20').join(',')}]}`;
    expect(numbers.length).toBeLessThan(1_024);
    const response = await handler(apiEvent({ body: numbers }));
    expect(response.statusCode).toBe(413);
    expect(body(response)).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
    expect(store.jobs.size).toBe(0);
  });

  describe('deeply nested JSON', () => {
    // Nesting that JSON.parse takes in its stride overflows the stack of recursive code after
    // it (the request hash, JSON.stringify of the record): it must be refused up front, not 500.
    const deep = (depth: number) => `{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;

    it.each([64, 65, 4_000, 100_000])('refuses %i levels with 400 JSON_TOO_DEEP past 64', async (depth) => {
      const { handler, store, errors } = setup({ maxBodyBytes: 1_000_000 });
      const response = await handler(apiEvent({ body: deep(depth) }));
      if (depth <= MAX_JSON_DEPTH) {
        expect(response.statusCode).toBe(202);
        return;
      }
      expect(response.statusCode).toBe(400);
      expect(body(response)).toMatchObject({
        status: 400,
        code: 'JSON_TOO_DEEP',
        detail: expect.any(String),
      });
      expect(store.jobs.size).toBe(0);
      expect(errors).toEqual([]);
    });

    it('counts only brackets outside strings', async () => {
      const { handler } = setup({ maxBodyBytes: 1_000_000 });
      const brackets = JSON.stringify({ a: `${'['.repeat(500)}\\"{`.repeat(10) });
      expect((await handler(apiEvent({ body: brackets }))).statusCode).toBe(202);
    });
  });

  it('answers a retryable 503 when DynamoDB is unreachable, leaking nothing', async () => {
    const unreachable = new InMemoryJobStore();
    unreachable.create = () =>
      Promise.reject(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' }));
    const { handler, queue, errors } = setup({ store: unreachable });
    const response = await handler(apiEvent());
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({
      'Retry-After': '5',
      'Content-Type': 'application/problem+json',
    });
    expect(body(response)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
    expect(response.body).not.toContain('10.0.0.1');
    expect(queue.sent).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('answers a bare 500 for an unexpected error, logging it and leaking nothing', async () => {
    const failing = new InMemoryJobStore();
    failing.create = () => Promise.reject(new Error('secret internals at db.example:5432'));
    const { handler, errors } = setup({ store: failing });
    const response = await handler(apiEvent());
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret');
    expect(response.body).not.toContain('at ');
    expect(errors).toHaveLength(1);
  });
});
