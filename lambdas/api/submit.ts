import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { toJobView } from '../core/job';
import { JobPriority } from '../core/priority';
import { type SubmitJobDeps, submitJob } from '../core/use-cases/submit-job';
import { callerOf } from './caller';
import { header, jobLocation, jsonResponse } from './http';
import { parseJsonBody } from './parse-body';
import { errorResponse } from './problem';
import { RequestError } from './request-errors';
import { pollAfterSeconds } from './retry-after';

export interface SubmitHandlerDeps extends SubmitJobDeps {
  readonly maxBodyBytes: number;
  /** Counts accepted jobs; a no-op in tests. */
  readonly countSubmitted: (jobName: string) => void;
}

const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Builds the handler around its dependencies (tests and the local mode pass their own). */
export function makeSubmitHandler(deps: SubmitHandlerDeps) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      const owner = callerOf(event);
      const name = event.pathParameters?.nameOrId ?? '';
      const input = parseJsonBody(event, deps.maxBodyBytes);
      const idempotencyKey = readIdempotencyKey(event);
      const priority = readPriority(event);
      const { job, created, settings } = await submitJob(deps, {
        owner,
        name,
        input,
        idempotencyKey,
        priority,
      });
      if (created) deps.countSubmitted(job.name);
      return jsonResponse(created ? 202 : 200, toJobView(job), {
        Location: jobLocation(event, job.id),
        'Retry-After': String(pollAfterSeconds(job, settings, deps.clock.now())),
      });
    } catch (error) {
      return errorResponse(error, deps.logger);
    }
  };
}

/** `Idempotency-Key` (IETF draft), or `X-Async-Request-Id` as AsyncEndpoints clients send it. */
function readIdempotencyKey(event: APIGatewayProxyEvent): string | undefined {
  const raw = header(event, 'idempotency-key') ?? header(event, 'x-async-request-id');
  if (raw === undefined) return undefined;
  // Structured Field strings arrive quoted; a bare token is accepted as well.
  const key = raw.trim().replace(/^"(.*)"$/, '$1');
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x20-\x7e]+$/.test(key)) {
    throw new RequestError(
      400,
      'INVALID_IDEMPOTENCY_KEY',
      `The idempotency key must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters`,
    );
  }
  return key;
}

/**
 * `?priority=high|normal` (ours alone: any other non-empty value is a 400), else the `Priority` header the
 * issue names: `high` or `normal`, case-insensitive. Any other header value is ignored, not
 * refused: RFC 9218 defines `Priority` (`u=0..7, i`) for HTTP scheduling, and browsers, proxies
 * and HTTP libraries send it on their own, so it is not always the caller's choice.
 */
export function readPriority(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'queryStringParameters'>,
): JobPriority {
  const query = event.queryStringParameters?.priority?.trim().toLowerCase();
  // An empty parameter counts as absent, as on `GET /jobs`.
  if (query) {
    const value = query;
    if (value === JobPriority.High || value === JobPriority.Normal) return value;
    throw new RequestError(
      400,
      'INVALID_PRIORITY',
      "The priority query parameter must be 'high' or 'normal'",
    );
  }
  const value = header(event, 'priority')?.trim().toLowerCase();
  return value === JobPriority.High ? JobPriority.High : JobPriority.Normal;
}
