/**
 * A typed client of the job API: submit, read, wait for, cancel, list and retry jobs, and
 * redrive a job type's dead letters. Uses the global `fetch`; signs with SigV4 for a deployed
 * API, or names the caller with `X-Local-Principal` for the local mode.
 */
import { isTerminal, type JobStatus } from '../lambdas/core/job-status';
import type { RedriveResult } from '../lambdas/core/use-cases/redrive-dead-letters';
import { JobsApiError, JobWaitTimeoutError, toProblem } from './errors';
import type { CatalogJobTypes, JobNameOf, JobOf, JobSummaryOf, JobTypeMap } from './job-types';
import { type BackoffOptions, backoffDelayMs, retryAfterMs, sleep } from './polling';
import {
  isLoopback,
  localAuthenticator,
  type RequestAuthenticator,
  regionFromUrl,
  type SigV4Options,
  sigV4Authenticator,
} from './signing';

/** Options of {@link JobsClient}. */
export interface JobsClientOptions {
  /** The API's base URL: the stack output `ApiUrl`, or `http://localhost:3000` locally. */
  readonly url: string | URL;
  /**
   * `sigv4` signs requests (a deployed API); `local` sends `X-Local-Principal` (the local mode);
   * or your own authenticator.
   * @default `local` for a loopback host, `sigv4` otherwise
   */
  readonly auth?: 'sigv4' | 'local' | RequestAuthenticator;
  /**
   * The Region to sign for.
   * @default the Region in the execute-api URL, else `AWS_REGION` / `AWS_DEFAULT_REGION`
   */
  readonly region?: string;
  /** Credentials to sign with. @default the standard AWS credential chain */
  readonly credentials?: SigV4Options['credentials'];
  /** The caller in the local mode (`X-Local-Principal`). @default the local mode's default user */
  readonly principal?: string;
  /**
   * The caller of the admin routes (`redrive`) in the local mode.
   * @default `ASYNC_ENDPOINTS_LOCAL_ADMIN`, else `local-admin` (the local mode's default admin)
   */
  readonly adminPrincipal?: string;
  /** An API key, sent as `x-api-key`, when the deployment requires one. */
  readonly apiKey?: string;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Test seam: how `wait` sleeps. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Options of {@link JobsClient.submit}. */
export interface SubmitOptions {
  /** Makes the submission safe to repeat: the same key and input return the same job. */
  readonly idempotencyKey?: string;
  /** `high` puts the job in its type's high-priority queue (when the job type enables priorities). */
  readonly priority?: 'high' | 'normal';
  readonly signal?: AbortSignal;
}

/** Options of {@link JobsClient.wait}. */
export interface WaitOptions<J> extends BackoffOptions {
  /** Give up after this many milliseconds with a {@link JobWaitTimeoutError}. @default no limit */
  readonly timeout?: number;
  /** Called with the job whenever its status, progress or update time changes, first poll included. */
  readonly onProgress?: (job: J) => void;
  /** Stops waiting (rejects with the signal's reason). */
  readonly signal?: AbortSignal;
}

/** `GET /jobs` filters. */
export interface ListQuery<N extends string = string> {
  readonly name?: N;
  readonly status?: JobStatus;
  /** Jobs per page, 1-100. @default 20 */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

/** One page of jobs, newest first; `nextCursor` is null on the last page. */
export interface JobPage<J> {
  readonly items: readonly J[];
  readonly nextCursor: string | null;
}

/** Which dead letters a redrive moves. */
export type RedriveOptions =
  | { readonly jobIds: readonly string[]; readonly ratePerSecond?: number }
  | { readonly max?: number; readonly ratePerSecond?: number };

/** HTTP statuses worth polling through: throttling and passing gateway trouble. */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/**
 * @typeParam M the job types, by name, with their input and result types
 *   @default this repository's job catalog
 * @example
 * const client = new JobsClient({ url: 'http://localhost:3000' });
 * const job = await client.submit('sleep', { ms: 500 }, { idempotencyKey: 'nap-1' });
 * const done = await client.wait(job, { timeout: 60_000, onProgress: (j) => console.log(j.status) });
 * if (done.status === 'Completed') console.log(done.result?.sleptMs);
 */
export class JobsClient<M extends JobTypeMap = CatalogJobTypes> {
  /** The API's base URL, ending in `/`. */
  readonly baseUrl: URL;
  private readonly authenticate: RequestAuthenticator;
  private readonly fetchFn: typeof fetch;
  private readonly apiKey: string | undefined;
  private readonly sleepFn: (ms: number, signal?: AbortSignal) => Promise<void>;

  /** @throws Error when signing is needed and no Region can be found */
  constructor(options: JobsClientOptions) {
    const base = new URL(String(options.url));
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.baseUrl = base;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.apiKey = options.apiKey;
    this.sleepFn = options.sleep ?? sleep;
    const auth = options.auth ?? (isLoopback(base) ? 'local' : 'sigv4');
    if (typeof auth === 'function') this.authenticate = auth;
    else if (auth === 'local')
      this.authenticate = localAuthenticator(options.principal, options.adminPrincipal);
    else {
      const region =
        options.region ?? regionFromUrl(base) ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
      if (!region) {
        throw new Error(`No Region to sign requests to ${base.host} for: pass region, or set AWS_REGION`);
      }
      this.authenticate = sigV4Authenticator({
        region,
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
    }
  }

  /**
   * Submits a job of type `name`: `202` creates it, Queued; a replay with the same
   * `idempotencyKey` and input returns the existing job.
   * @throws JobsApiError `INVALID_INPUT` (400, `problem.errors` names each field), `UNKNOWN_JOB_TYPE`
   *   (404), `BODY_TOO_LARGE` (413), `IDEMPOTENCY_KEY_MISMATCH` (422), `ENQUEUE_FAILED` (503), ...
   */
  async submit<N extends JobNameOf<M>>(
    name: N,
    input: M[N]['input'],
    options: SubmitOptions = {},
  ): Promise<JobOf<M, N>> {
    const headers: Record<string, string> = {};
    if (options.idempotencyKey !== undefined) {
      // A Structured Field string when it can be one; the API takes a bare token too.
      const key = options.idempotencyKey;
      headers['idempotency-key'] = /["\\]/.test(key) ? key : `"${key}"`;
    }
    if (options.priority) headers.priority = options.priority;
    const reply = await this.send('POST', `jobs/${encodeURIComponent(name)}`, {
      body: input,
      headers,
      signal: options.signal,
    });
    return reply.body as JobOf<M, N>;
  }

  /** Reads a job. @throws JobsApiError `JOB_NOT_FOUND` (404) */
  async get(id: string, options: { signal?: AbortSignal } = {}): Promise<JobOf<M>> {
    return (await this.getWithHint(id, options.signal)).job;
  }

  /**
   * Polls the job until it is Completed, Failed or Canceled and returns it (a Failed job is
   * returned, not thrown). Waits what each answer's `Retry-After` says, or a capped exponential
   * backoff without one; rides out throttling and gateway errors (429, 502-504) the same way.
   * @throws JobWaitTimeoutError after `timeout` ms
   * @throws JobsApiError when the job cannot be read (e.g. 404)
   */
  wait<N extends JobNameOf<M>>(
    job: { readonly id: string; readonly name: N },
    options?: WaitOptions<JobOf<M, N>>,
  ): Promise<JobOf<M, N>>;
  wait(id: string, options?: WaitOptions<JobOf<M>>): Promise<JobOf<M>>;
  async wait(
    target: string | { readonly id: string },
    options: WaitOptions<JobOf<M>> = {},
  ): Promise<JobOf<M>> {
    const id = typeof target === 'string' ? target : target.id;
    const started = Date.now();
    const deadline = options.timeout === undefined ? Number.POSITIVE_INFINITY : started + options.timeout;
    let unhinted = 0;
    let last: JobOf<M> | undefined;
    let lastSeen = '';
    for (;;) {
      let delay: number | undefined;
      try {
        const { job, retryAfter } = await this.getWithHint(id, options.signal);
        last = job;
        const seen = `${job.status}|${job.lastUpdatedAt}|${JSON.stringify(job.progress)}`;
        if (seen !== lastSeen) {
          lastSeen = seen;
          options.onProgress?.(job);
        }
        if (isTerminal(job.status)) return job;
        delay = retryAfter;
      } catch (error) {
        if (!(error instanceof JobsApiError && TRANSIENT_STATUSES.has(error.status))) throw error;
        delay = error.retryAfterSeconds === undefined ? undefined : error.retryAfterSeconds * 1000;
      }
      const now = Date.now();
      if (now >= deadline) {
        throw new JobWaitTimeoutError(last ?? { id, status: 'Queued' }, options.timeout ?? 0);
      }
      const wanted = delay ?? backoffDelayMs(unhinted++, options);
      await this.sleepFn(Math.min(wanted, deadline - now), options.signal);
    }
  }

  /**
   * Cancels a job: Canceled at once when it was waiting; `cancelRequested: true` when it runs
   * (its worker stops it: `wait` for it to become Canceled).
   * @throws JobsApiError `JOB_ALREADY_FINISHED` (409), `JOB_NOT_FOUND` (404)
   */
  async cancel(id: string, options: { signal?: AbortSignal } = {}): Promise<JobOf<M>> {
    const reply = await this.send('DELETE', `jobs/${encodeURIComponent(id)}`, { signal: options.signal });
    return reply.body as JobOf<M>;
  }

  /**
   * One page of the caller's jobs, newest first, as summaries (`get` a job for its result). A
   * page may be short and still have a `nextCursor`: only `nextCursor: null` ends the list
   * ({@link listAll} follows it for you).
   * @throws JobsApiError `INVALID_QUERY`, `INVALID_CURSOR` (400)
   */
  async list(
    query: ListQuery<JobNameOf<M>> = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<JobPage<JobSummaryOf<M>>> {
    const params = new URLSearchParams();
    for (const key of ['name', 'status', 'limit', 'cursor'] as const) {
      const value = query[key];
      if (value !== undefined) params.set(key, String(value));
    }
    const search = params.size > 0 ? `?${params}` : '';
    const reply = await this.send('GET', `jobs${search}`, { signal: options.signal });
    return reply.body as JobPage<JobSummaryOf<M>>;
  }

  /**
   * Every job the query matches, page after page, as summaries.
   * @example for await (const job of client.listAll({ status: 'Failed' })) await client.retry(job.id);
   */
  async *listAll(
    query: Omit<ListQuery<JobNameOf<M>>, 'cursor'> = {},
    options: { signal?: AbortSignal } = {},
  ): AsyncGenerator<JobSummaryOf<M>, void, undefined> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...query, ...(cursor ? { cursor } : {}) }, options);
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /**
   * Re-queues the caller's Failed job with its full retries.
   * @throws JobsApiError `JOB_NOT_FAILED` (409), `JOB_NOT_FOUND` (404), `ENQUEUE_FAILED` (503)
   */
  async retry(id: string, options: { signal?: AbortSignal } = {}): Promise<JobOf<M>> {
    const reply = await this.send('POST', `jobs/${encodeURIComponent(id)}/retry`, { signal: options.signal });
    return reply.body as JobOf<M>;
  }

  /**
   * Admin: moves job type `name`'s dead letters back to its queue, all (up to `max`) or only
   * `jobIds`. Call again while the result says `complete: false`.
   * @throws JobsApiError `INVALID_INPUT` (400), `UNKNOWN_JOB_TYPE` (404), 403 without the admin grant
   */
  async redrive(
    name: JobNameOf<M>,
    options: RedriveOptions = {},
    requestOptions: { signal?: AbortSignal } = {},
  ): Promise<RedriveResult> {
    const reply = await this.send('POST', `admin/jobs/${encodeURIComponent(name)}/redrive`, {
      body: options,
      signal: requestOptions.signal,
    });
    return reply.body as RedriveResult;
  }

  private async getWithHint(
    id: string,
    signal: AbortSignal | undefined,
  ): Promise<{ job: JobOf<M>; retryAfter: number | undefined }> {
    const reply = await this.send('GET', `jobs/${encodeURIComponent(id)}`, { signal });
    return {
      job: reply.body as JobOf<M>,
      retryAfter: retryAfterMs(reply.headers.get('retry-after'), Date.now()),
    };
  }

  private async send(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal | undefined },
  ): Promise<Reply> {
    const url = new URL(path, this.baseUrl);
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.apiKey) headers['x-api-key'] = this.apiKey;
    const signed = await this.authenticate({ method, url, headers, ...(body !== undefined ? { body } : {}) });
    const response = await this.fetchFn(url, {
      method,
      headers: signed,
      ...(body !== undefined ? { body } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const text = await response.text();
    if (!response.ok) {
      const retryAfter = retryAfterMs(response.headers.get('retry-after'), Date.now());
      throw new JobsApiError(
        method,
        url.pathname + url.search,
        response.status,
        toProblem(response.status, response.statusText, text),
        retryAfter === undefined ? undefined : retryAfter / 1000,
      );
    }
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }
}
