/**
 * The typed client against the local system (emulators, event sources, the same handlers),
 * every response also checked against the OpenAPI document.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobsApiError, JobsClient, JobWaitTimeoutError } from '../../client';
import { useClientTestSystem } from '../support/client-e2e';

const local = useClientTestSystem();
let client: JobsClient;
// Each run lists only its own jobs.
const principal = `client-test-${randomUUID()}`;

beforeAll(() => {
  client = new JobsClient({ url: local.system.url, principal, fetch: local.checked.fetch });
});

/** Records the delays `wait` asks for, sleeping a tenth of each so the test stays short. */
function recordingSleep() {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms: number) => {
      delays.push(ms);
      return new Promise<void>((resolve) => setTimeout(resolve, ms / 10));
    },
  };
}

describe('JobsClient against the local system', () => {
  it('submits a job and waits for its typed result, reporting progress on the way', async () => {
    const job = await client.submit('echo', { hello: 'world' });
    expect(job).toMatchObject({ name: 'echo', status: 'Queued', result: null });
    const seen: string[] = [];
    const done = await client.wait(job, { onProgress: (j) => seen.push(j.status) });
    expect(done).toMatchObject({ id: job.id, status: 'Completed', result: { hello: 'world' } });
    expect(seen.at(-1)).toBe('Completed');
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(await client.get(job.id)).toMatchObject({ id: job.id, status: 'Completed' });
  });

  it('returns the same job for a repeated idempotency key', async () => {
    const key = `order-${randomUUID()}`;
    const first = await client.submit('echo', { n: 1 }, { idempotencyKey: key });
    const second = await client.submit('echo', { n: 1 }, { idempotencyKey: key });
    expect(second.id).toBe(first.id);
  });

  it("waits what each answer's Retry-After says", async () => {
    const { delays, sleep } = recordingSleep();
    const paced = new JobsClient({ url: local.system.url, principal, fetch: local.checked.fetch, sleep });
    const job = await paced.submit('sleep', { ms: 1_500 });
    const done = await paced.wait(job);
    expect(done.status).toBe('Completed');
    expect(done.result).toEqual({ sleptMs: 1_500 });
    // sleep's pollIntervalSeconds is 1 here, so every answer said Retry-After: 1.
    expect(delays.length).toBeGreaterThan(0);
    expect(new Set(delays)).toEqual(new Set([1_000]));
  });

  it('backs off exponentially, up to its cap, when the answers carry no Retry-After', async () => {
    const { delays, sleep } = recordingSleep();
    const stripped: typeof fetch = async (input, init) => {
      const response = await local.checked.fetch(input, init);
      const headers = new Headers(response.headers);
      headers.delete('retry-after');
      return new Response(await response.text(), { status: response.status, headers });
    };
    const paced = new JobsClient({ url: local.system.url, principal, fetch: stripped, sleep });
    const job = await paced.submit('sleep', { ms: 2_000 });
    await paced.wait(job, { initialDelayMs: 100, maxDelayMs: 400 });
    expect(delays.slice(0, 4)).toEqual([100, 200, 400, 400].slice(0, Math.min(4, delays.length)));
    expect(delays.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...delays)).toBe(400);
  });

  it('gives up after its timeout with the last state seen, and stops when its signal aborts', async () => {
    const job = await client.submit('sleep', { ms: 30_000 });
    const error = await client.wait(job, { timeout: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobWaitTimeoutError);
    expect((error as JobWaitTimeoutError).job).toMatchObject({ id: job.id });
    expect(['Queued', 'InProgress']).toContain((error as JobWaitTimeoutError).job.status);

    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop waiting')), 200);
    await expect(client.wait(job, { signal: controller.signal })).rejects.toThrow('stop waiting');

    const canceled = await client.cancel(job.id);
    expect(canceled.status === 'Canceled' || canceled.cancelRequested).toBe(true);
    expect((await client.wait(job, { timeout: 20_000 })).status).toBe('Canceled');
  });

  it('throws a JobsApiError carrying the problem document', async () => {
    const missing = await client.get(randomUUID()).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(JobsApiError);
    expect(missing).toMatchObject({
      status: 404,
      code: 'JOB_NOT_FOUND',
      problem: { type: 'urn:async-endpoints:problem:job-not-found', title: 'Not Found', status: 404 },
    });

    // The input type is checked at compile time; send a wrong one anyway to see the 400.
    const invalid = await client.submit('sleep', { ms: -1 }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect((invalid as JobsApiError).problem.errors).toEqual([{ path: '$.ms', message: expect.any(String) }]);

    const done = await client.wait(await client.submit('echo', {}));
    await expect(client.cancel(done.id)).rejects.toMatchObject({ status: 409, code: 'JOB_ALREADY_FINISHED' });
  });

  it('retries a Failed job, and an admin redrives its dead letter', async () => {
    const failed = await client.wait(await client.submit('fail', { permanent: true }));
    expect(failed).toMatchObject({ status: 'Failed', error: { code: 'PLANNED_FAILURE' } });

    const retried = await client.retry(failed.id);
    expect(retried).toMatchObject({ id: failed.id, status: 'Queued' });
    const again = await client.wait(retried);
    expect(again.status).toBe('Failed');
    expect(again.history.map((h) => h.outcome)).toEqual(['failed', 'failed']);
    await expect(client.retry(randomUUID())).rejects.toMatchObject({ status: 404 });

    const redriven = await client.redrive('fail', { jobIds: [failed.id] });
    expect(redriven).toMatchObject({ moved: 1, complete: true });
    expect((await client.wait(failed.id)).history).toHaveLength(3);
  });

  it('lists its jobs page by page, and all of them through listAll', async () => {
    const lister = new JobsClient({
      url: local.system.url,
      principal: `lister-${randomUUID()}`,
      fetch: local.checked.fetch,
    });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await lister.submit('echo', { i })).id);
    const first = await lister.list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await lister.list({ limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items.map((j) => j.id)).not.toContain(first.items[0]?.id);

    const all: { id: string; href: string }[] = [];
    for await (const job of lister.listAll({ name: 'echo', limit: 2 })) all.push(job);
    // Summaries, each linking to the full job.
    for (const job of all) expect(job.href).toBe(`/jobs/${job.id}`);
    expect(all.map((j) => j.id).sort()).toEqual([...ids].sort());
    expect((await lister.list({ name: 'sleep' })).items).toEqual([]);
    await expect(lister.list({ limit: 1000 })).rejects.toMatchObject({ status: 400, code: 'INVALID_QUERY' });
  });

  it('matched the OpenAPI document with every response', () => {
    expect(local.checked.count()).toBeGreaterThan(20);
    expect(local.checked.mismatches).toEqual([]);
  });
});
