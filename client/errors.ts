/**
 * What the client throws: the API's RFC 9457 problems as {@link JobsApiError}, and
 * {@link JobWaitTimeoutError} when `wait` runs out of time.
 */
import type { JobView } from '../lambdas/core/job';

/** An RFC 9457 problem document as the API writes it (`code` and `errors` are its extensions). */
export interface Problem {
  readonly type: string;
  readonly title: string;
  /** Absent on API Gateway's own errors (unsigned request, throttling). */
  readonly status?: number;
  readonly detail?: string;
  /** Stable machine-readable code, e.g. `INVALID_INPUT`; `HTTP_<status>` when the answer had none. */
  readonly code: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
  readonly [extension: string]: unknown;
}

/** The API answered with an error status. */
export class JobsApiError extends Error {
  override readonly name = 'JobsApiError';
  /** The HTTP status. */
  readonly status: number;
  /** `problem.code`: what went wrong, e.g. `JOB_NOT_FOUND`. */
  readonly code: string;
  /** The problem document (synthesized from the status when the body was not one). */
  readonly problem: Problem;
  /** Seconds the API asked to wait before trying again (`Retry-After`), when it did. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly method: string,
    readonly url: string,
    status: number,
    problem: Problem,
    retryAfterSeconds?: number,
  ) {
    super(`${method} ${url} answered ${status} ${problem.code}: ${problem.detail ?? problem.title}`);
    this.status = status;
    this.code = problem.code;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** `wait` gave up before the job finished; `job` is the last state seen. */
export class JobWaitTimeoutError extends Error {
  override readonly name = 'JobWaitTimeoutError';

  constructor(
    readonly job: Pick<JobView, 'id' | 'status'>,
    readonly timeoutMs: number,
  ) {
    super(`Job ${job.id} is still ${job.status} after ${timeoutMs} ms`);
  }
}

/**
 * The problem in a response body, or one made from the status when the body is none (an HTML
 * error page of a proxy, an empty body).
 */
export function toProblem(status: number, statusText: string, body: string): Problem {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const value = parsed as Record<string, unknown>;
      if (typeof value.title === 'string' || typeof value.code === 'string') {
        return {
          ...value,
          type: typeof value.type === 'string' ? value.type : 'about:blank',
          title: typeof value.title === 'string' ? value.title : statusText,
          code: typeof value.code === 'string' ? value.code : `HTTP_${status}`,
        };
      }
    }
  } catch {
    // Not JSON: described from the status below.
  }
  return {
    type: 'about:blank',
    title: statusText || `HTTP ${status}`,
    status,
    detail: body.slice(0, 200),
    code: `HTTP_${status}`,
  };
}
