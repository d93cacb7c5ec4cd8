/**
 * A small HTTP client for the end-to-end tests against the local system. Every response it
 * receives is checked against the OpenAPI document (status, Content-Type, headers, body): a
 * mismatch fails the test that made the request.
 */
import type { JobView } from '../../lambdas/core/job';
import { isTerminal } from '../../lambdas/core/job-status';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { buildOpenApiDocument } from '../../openapi/document';
import { openApiResponseValidator } from './openapi-response-validator';

/** Validates against the document of the catalog's job types (the ones the local system runs). */
export const validateResponse = openApiResponseValidator(buildOpenApiDocument({ jobTypes }));

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** The client {@link localClient} returns. */
export type LocalClient = ReturnType<typeof localClient>;

export function localClient(baseUrl: string) {
  async function request(
    method: string,
    path: string,
    options: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      body: options.body,
      headers: options.headers,
    });
    const text = await response.text();
    const problems = validateResponse({
      method,
      path,
      status: response.status,
      headers: response.headers,
      body: text,
    });
    if (problems.length > 0)
      throw new Error(`Response does not match the OpenAPI document:\n${problems.join('\n')}`);
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
  }

  return {
    request,
    submit(name: string, input: unknown, headers: Record<string, string> = {}) {
      return request('POST', `/jobs/${name}`, {
        body: JSON.stringify(input),
        headers: { 'Content-Type': 'application/json', ...headers },
      });
    },
    get(id: string, principal?: string) {
      return request('GET', `/jobs/${id}`, { headers: principal ? { 'X-Local-Principal': principal } : {} });
    },
    cancel(id: string, principal?: string) {
      return request('DELETE', `/jobs/${id}`, {
        headers: principal ? { 'X-Local-Principal': principal } : {},
      });
    },
    /** Polls until the job is finished; returns every distinct state seen on the way. */
    async waitFor(id: string, { timeoutMs = 30_000, intervalMs = 25 } = {}) {
      const seen: JobView[] = [];
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const { status, body } = await request('GET', `/jobs/${id}`);
        if (status !== 200) throw new Error(`GET /jobs/${id} answered ${status}: ${JSON.stringify(body)}`);
        const job = body as unknown as JobView;
        if (seen.at(-1)?.lastUpdatedAt !== job.lastUpdatedAt) seen.push(job);
        if (isTerminal(job.status)) return { job, seen };
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
      throw new Error(`Job ${id} did not finish in ${timeoutMs} ms; last: ${JSON.stringify(seen.at(-1))}`);
    },
  };
}
