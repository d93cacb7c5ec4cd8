/**
 * The one error hierarchy of the domain. Adapters translate SDK exceptions into these;
 * `lambdas/api/problem.ts` is the only place that maps them to HTTP.
 */
import type { Job, JobErrorInfo } from './job';
import type { JobStatus } from './job-status';

/** Base class: every domain error has a stable machine-readable `code`. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidTransitionError extends DomainError {
  readonly code = 'INVALID_TRANSITION';
  constructor(
    readonly from: JobStatus,
    readonly to: JobStatus,
  ) {
    super(`A job cannot move from ${from} to ${to}`);
  }
}

export class UnknownJobTypeError extends DomainError {
  readonly code = 'UNKNOWN_JOB_TYPE';
  constructor(readonly jobName: string) {
    super(`There is no job type named '${jobName}'`);
  }
}

/** One problem found in a request or in a job's input, with the path of the offending field. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export class InvalidInputError extends DomainError {
  readonly code = 'INVALID_INPUT';
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** A query parameter is malformed or unknown; `issues` names each parameter (`path`). */
export class InvalidQueryError extends DomainError {
  readonly code = 'INVALID_QUERY';
  constructor(
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

/** A page cursor that the store did not issue (mangled, truncated or forged). */
export class InvalidCursorError extends DomainError {
  readonly code = 'INVALID_CURSOR';
  constructor(options?: { cause?: unknown }) {
    super('The cursor is not valid: pass nextCursor from a previous page unchanged', options);
  }
}

export class JobNotFoundError extends DomainError {
  readonly code = 'JOB_NOT_FOUND';
  constructor(readonly jobId: string) {
    super(`Job ${jobId} was not found`);
  }
}

/** The store already holds a job with this id; carries the stored record. */
export class JobAlreadyExistsError extends DomainError {
  readonly code = 'JOB_ALREADY_EXISTS';
  constructor(readonly existing: Job) {
    super(`Job ${existing.id} already exists`);
  }
}

/** A conditional write lost a race: the record changed since it was read. */
export class JobVersionConflictError extends DomainError {
  readonly code = 'JOB_UPDATE_CONFLICT';
  constructor(
    readonly jobId: string,
    readonly expectedVersion: number,
    options?: { cause?: unknown },
  ) {
    super(`Job ${jobId} changed since version ${expectedVersion}`, options);
  }
}

/** The job already finished (Completed, Failed or Canceled): there is nothing left to cancel. */
export class JobAlreadyFinishedError extends DomainError {
  readonly code = 'JOB_ALREADY_FINISHED';
  constructor(
    readonly jobId: string,
    readonly status: JobStatus,
  ) {
    super(`Job ${jobId} already finished (${status})`);
  }
}

/** Only a Failed job can be retried or redriven; this one is in another state. */
export class JobNotFailedError extends DomainError {
  readonly code = 'JOB_NOT_FAILED';
  constructor(
    readonly jobId: string,
    readonly status: JobStatus,
  ) {
    super(`Job ${jobId} is ${status}; only a Failed job can be retried`);
  }
}

/** The same idempotency key was used with a different request. */
export class IdempotencyKeyMismatchError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_MISMATCH';
  constructor(readonly jobId: string) {
    super('This idempotency key was already used with a different request');
  }
}

/** The job's record would not fit a DynamoDB item (the input is too large once stored). */
export class JobTooLargeError extends DomainError {
  readonly code = 'BODY_TOO_LARGE';
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`The job would take ${bytes} bytes once stored; the limit is ${limit}`);
  }
}

/** The job record was written but its message could not be queued: the job was not accepted. */
export class EnqueueFailedError extends DomainError {
  readonly code = 'ENQUEUE_FAILED';
  constructor(
    readonly jobId: string,
    options?: { cause?: unknown },
  ) {
    super('The job could not be queued; try again later', options);
  }
}

/** A high-priority submission for a job type that has no high-priority queue. */
export class PriorityNotEnabledError extends DomainError {
  readonly code = 'PRIORITY_NOT_ENABLED';
  constructor(readonly jobName: string) {
    super(
      `Job type '${jobName}' does not accept high-priority jobs: set its highPriorityMaxConcurrency to enable them`,
    );
  }
}

/**
 * The job type's queue holds more waiting messages than its `maxBacklog`: the job is refused,
 * nothing stored. The client retries after `retryAfterSeconds`.
 */
export class BacklogFullError extends DomainError {
  readonly code = 'BACKLOG_FULL';
  constructor(
    readonly jobName: string,
    readonly backlog: number,
    readonly maxBacklog: number,
    readonly retryAfterSeconds: number,
  ) {
    super(
      `Job type '${jobName}' has ${backlog} jobs waiting (its limit is ${maxBacklog}): try again in ${retryAfterSeconds} s`,
    );
  }
}

/**
 * Thrown by a job handler for a failure that retrying cannot fix (bad input, a refused
 * operation). The job fails at once and its message goes to the dead-letter queue.
 */
export class PermanentJobError extends Error {
  readonly code: string;
  constructor(message: string, options?: { code?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.name = 'PermanentJobError';
    this.code = options?.code ?? 'PERMANENT_FAILURE';
  }
}

/** The handler ran past its deadline. Transient: the next attempt may be faster. */
export class JobTimeoutError extends Error {
  readonly code = 'JOB_TIMEOUT';
  constructor(readonly timeoutMs: number) {
    super(`The job handler did not finish within ${timeoutMs} ms`);
    this.name = 'JobTimeoutError';
  }
}

/**
 * The abort reason a handler's signal carries when its owner canceled the job. The attempt
 * ends `Canceled`, never retried or dead-lettered.
 */
export class JobCanceledError extends Error {
  readonly code = 'CANCELED';
  constructor(readonly jobId: string) {
    super(`Job ${jobId} was canceled by its owner`);
    this.name = 'JobCanceledError';
  }
}

/**
 * The abort reason a handler's signal carries when its worker lost the lease (another worker
 * re-claimed the job): this attempt's outcome will not be recorded.
 */
export class LeaseLostError extends Error {
  readonly code = 'LEASE_LOST';
  constructor(readonly jobId: string) {
    super(`The lease on job ${jobId} was lost to another worker`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Turns anything a handler threw into the `{ code, message }` stored on the job and shown to
 * its owner. Never includes a stack trace.
 */
export function toJobErrorInfo(error: unknown): JobErrorInfo {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      code: typeof code === 'string' && code.length > 0 ? code : toErrorCode(error.name),
      message: error.message || error.name,
    };
  }
  return { code: 'UNKNOWN', message: typeof error === 'string' ? error : 'Unknown error' };
}

/** `TypeError` -> `TYPE_ERROR`, as AsyncEndpoints upper-cases exception type names. */
function toErrorCode(name: string): string {
  return (
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/\W+/g, '_')
      .toUpperCase() || 'UNKNOWN'
  );
}
