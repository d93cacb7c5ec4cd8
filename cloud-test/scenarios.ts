/**
 * The end-to-end scenarios of the smoke test, as functions over a typed {@link JobsClient}: the
 * same functions run against a deployed stage (`npm run test:cloud`, SigV4) and against the
 * local system in a vitest test, which proves their logic offline.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { JobsClient } from '../client';
import { sleep } from '../client/polling';
import { INLINE_PAYLOAD_MAX_BYTES } from '../lambdas/payload-limits';

/** What a scenario runs with. */
export interface ScenarioContext {
  readonly client: JobsClient;
  /** Bound of each wait for a job or a listing, ms. */
  readonly timeoutMs: number;
  /** Downloads a presigned result URL. @default globalThis.fetch */
  readonly download?: typeof fetch;
  readonly signal?: AbortSignal;
}

/** One scenario: a name for the summary, and a run that throws on the first broken expectation. */
export interface Scenario {
  readonly name: string;
  /** @returns a short account for the summary (ids, counts) */
  run(context: ScenarioContext): Promise<string>;
}

/** Throws `message` unless `condition` holds. */
function expectThat(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Calls `attempt` until it returns a value, every second, within `timeoutMs`. */
async function eventually<T>(
  context: ScenarioContext,
  what: string,
  attempt: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + context.timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${context.timeoutMs / 1000} s`);
    await sleep(1_000, context.signal);
  }
}

const waitOptions = (context: ScenarioContext) => ({
  timeout: context.timeoutMs,
  ...(context.signal ? { signal: context.signal } : {}),
});
const request = (context: ScenarioContext) => (context.signal ? { signal: context.signal } : {});

/** A `fail` job that failed permanently (no retries left), and its id. */
async function failedJob(context: ScenarioContext): Promise<string> {
  const { client } = context;
  const job = await client.submit('fail', { permanent: true }, request(context));
  const failed = await client.wait(job, waitOptions(context));
  expectThat(
    failed.status === 'Failed' && failed.error?.code === 'PLANNED_FAILURE',
    `fail job ${job.id} ended ${failed.status} (${failed.error?.code}), expected Failed (PLANNED_FAILURE)`,
  );
  return job.id;
}

/** Submit an echo job and wait for its result. */
export const submitAndWait: Scenario = {
  name: 'submit and wait',
  async run(context) {
    const input = { smoke: randomUUID() };
    const job = await context.client.submit('echo', input, request(context));
    expectThat(job.status === 'Queued', `a new job is ${job.status}, expected Queued`);
    const done = await context.client.wait(job, waitOptions(context));
    expectThat(done.status === 'Completed', `echo job ${job.id} ended ${done.status}`);
    expectThat(
      JSON.stringify(done.result) === JSON.stringify(input),
      `echo job ${job.id} returned another result`,
    );
    return `job ${job.id} Completed`;
  },
};

/** Cancel a job while it waits or runs. */
export const cancelJob: Scenario = {
  name: 'cancel',
  async run(context) {
    const job = await context.client.submit('sleep', { ms: 45_000 }, request(context));
    const answer = await context.client.cancel(job.id, request(context));
    expectThat(
      answer.status === 'Canceled' || answer.cancelRequested === true,
      `cancel of job ${job.id} answered ${answer.status} without cancelRequested`,
    );
    const done = await context.client.wait(job, waitOptions(context));
    expectThat(done.status === 'Canceled', `canceled job ${job.id} ended ${done.status}`);
    return `job ${job.id} Canceled`;
  },
};

/** A new job shows in the caller's listing (the index is eventually consistent: poll). */
export const listJobs: Scenario = {
  name: 'list',
  async run(context) {
    const job = await context.client.submit('echo', { listed: true }, request(context));
    const summary = await eventually(context, `job ${job.id} in GET /jobs?name=echo`, async () => {
      const page = await context.client.list({ name: 'echo', limit: 100 }, request(context));
      return page.items.find((item) => item.id === job.id);
    });
    expectThat(summary.href.endsWith(`/jobs/${job.id}`), `summary of ${job.id} links to ${summary.href}`);
    return `job ${job.id} listed`;
  },
};

/** The owner retries a job that failed with no retries left: Queued again, then Failed again. */
export const retryFailedJob: Scenario = {
  name: 'retry',
  async run(context) {
    const id = await failedJob(context);
    const retried = await context.client.retry(id, request(context));
    expectThat(retried.status === 'Queued', `retried job ${id} is ${retried.status}, expected Queued`);
    const again = await context.client.wait(retried, waitOptions(context));
    const outcomes = again.history.map((entry) => entry.outcome).join(',');
    expectThat(
      again.status === 'Failed' && outcomes === 'failed,failed',
      `retried job ${id}: ${again.status}, history ${outcomes}`,
    );
    return `job ${id} ran twice`;
  },
};

/** An admin redrives the fail type's dead letter of one job back to its queue. */
export const redriveDeadLetters: Scenario = {
  name: 'admin redrive',
  async run(context) {
    const id = await failedJob(context);
    // The DLQ copy is sent just after the record says Failed: ask until it has been moved.
    const result = await eventually(context, `redrive of job ${id}'s dead letter`, async () => {
      const answer = await context.client.redrive('fail', { jobIds: [id] }, request(context));
      return answer.moved > 0 ? answer : undefined;
    });
    const again = await context.client.wait(id, waitOptions(context));
    expectThat(
      again.status === 'Failed' && again.history.length === 2,
      `redriven job ${id}: ${again.status} with ${again.history.length} attempts, expected Failed after 2`,
    );
    return `job ${id} moved ${result.moved}, ran again`;
  },
};

/** JSON that gzip barely shrinks (random base64), of about `bytes`. */
function incompressible(bytes: number): { chunks: string[] } {
  const chunks: string[] = [];
  // 1,024 base64 characters, their quotes and a comma per chunk.
  for (let size = 0; size < bytes; size += 1_027) chunks.push(randomBytes(768).toString('base64'));
  return { chunks };
}

/** An input too large for the job item goes through S3; its result comes back as a link. */
export const largePayload: Scenario = {
  name: 'large payload',
  async run(context) {
    // Twice what the item keeps inline: its gzip cannot fit either.
    const input = incompressible(2 * INLINE_PAYLOAD_MAX_BYTES);
    const job = await context.client.submit('echo', input, request(context));
    const done = await context.client.wait(job, waitOptions(context));
    expectThat(done.status === 'Completed', `large echo job ${job.id} ended ${done.status}`);
    expectThat(
      done.result === null && typeof done.resultUrl === 'string',
      `job ${job.id} has no result link`,
    );
    const download = await (context.download ?? fetch)(done.resultUrl, request(context));
    expectThat(download.ok, `result link of job ${job.id} answered ${download.status}`);
    const text = await download.text();
    expectThat(text === JSON.stringify(input), `result of job ${job.id} differs from its input`);
    return `${Math.round(text.length / 1024)} KiB round trip via S3`;
  },
};

/** Every scenario, in the order the smoke test runs them. */
export const SCENARIOS: readonly Scenario[] = [
  submitAndWait,
  cancelJob,
  listJobs,
  retryFailedJob,
  redriveDeadLetters,
  largePayload,
];
