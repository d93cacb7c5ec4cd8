import type { APIGatewayProxyResult } from 'aws-lambda';
import { isTransientServiceError } from '../adapters/transient-errors';
import {
  BacklogFullError,
  EnqueueFailedError,
  IdempotencyKeyMismatchError,
  InvalidCursorError,
  InvalidInputError,
  InvalidQueryError,
  JobAlreadyFinishedError,
  JobNotFailedError,
  JobNotFoundError,
  JobTooLargeError,
  PriorityNotEnabledError,
  UnknownJobTypeError,
} from '../core/errors';
import type { JobLogger } from '../core/job-type';
import type { Headers } from './http';
import { RequestError } from './request-errors';

/** An RFC 9457 problem document. `code` and `errors` are our extension members. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: readonly { path: string; message: string }[];
  [extension: string]: unknown;
}

/** Seconds a client should wait before retrying a request refused with 503. */
export const RETRY_AFTER_UNAVAILABLE_SECONDS = 5;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemResponse(
  status: number,
  code: string,
  detail: string,
  extra: Partial<Problem> = {},
  headers: Headers = {},
): APIGatewayProxyResult {
  const problem: Problem = {
    type: `urn:async-endpoints:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(problem),
  };
}

/**
 * The one place errors become HTTP responses. A dependency that is throttling or unreachable
 * gives a retryable 503 with `Retry-After`; other unknown errors are logged in full and answered
 * with a bare 500: no message, no stack trace reaches the client.
 */
export function errorResponse(error: unknown, logger: JobLogger): APIGatewayProxyResult {
  if (error instanceof RequestError) return problemResponse(error.status, error.code, error.message);
  if (error instanceof InvalidInputError) {
    return problemResponse(400, error.code, error.message, { errors: error.issues });
  }
  if (error instanceof InvalidQueryError) {
    return problemResponse(400, error.code, error.message, { errors: error.issues });
  }
  if (error instanceof InvalidCursorError) return problemResponse(400, error.code, error.message);
  if (error instanceof UnknownJobTypeError) return problemResponse(404, error.code, error.message);
  if (error instanceof PriorityNotEnabledError) {
    return problemResponse(400, error.code, error.message, { setting: 'highPriorityMaxConcurrency' });
  }
  if (error instanceof JobTooLargeError) return problemResponse(413, error.code, error.message);
  if (error instanceof BacklogFullError) {
    // Expected under load, not a fault: a warning, not an error.
    logger.warn('Job refused: backlog full', { jobName: error.jobName, backlog: error.backlog });
    return problemResponse(
      429,
      error.code,
      error.message,
      { maxBacklog: error.maxBacklog },
      { 'Retry-After': String(error.retryAfterSeconds) },
    );
  }
  if (error instanceof JobNotFoundError) return problemResponse(404, error.code, error.message);
  if (error instanceof JobAlreadyFinishedError) {
    return problemResponse(409, error.code, error.message, { jobId: error.jobId, jobStatus: error.status });
  }
  if (error instanceof JobNotFailedError) {
    return problemResponse(409, error.code, error.message, { jobId: error.jobId, jobStatus: error.status });
  }
  if (error instanceof IdempotencyKeyMismatchError) {
    return problemResponse(422, error.code, error.message, { jobId: error.jobId });
  }
  if (error instanceof EnqueueFailedError) {
    logger.error('Job refused: enqueue failed', { jobId: error.jobId, error: error.cause });
    return problemResponse(
      503,
      error.code,
      error.message,
      { jobId: error.jobId },
      {
        'Retry-After': String(RETRY_AFTER_UNAVAILABLE_SECONDS),
      },
    );
  }
  if (isTransientServiceError(error)) {
    // DynamoDB or SQS is throttling or unreachable (the SDK already retried): nothing is wrong
    // with the request, and the same request can succeed later.
    logger.error('A dependency is unavailable; the client is asked to retry', { error });
    return problemResponse(
      503,
      'SERVICE_UNAVAILABLE',
      'The service is unavailable right now; try the same request again later',
      {},
      { 'Retry-After': String(RETRY_AFTER_UNAVAILABLE_SECONDS) },
    );
  }
  logger.error('Unhandled error', { error });
  return problemResponse(500, 'INTERNAL_ERROR', 'The request could not be completed');
}
