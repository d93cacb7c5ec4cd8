import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type FieldIssue, InvalidInputError, UnknownJobTypeError } from '../core/errors';
import type { JobLogger } from '../core/job-type';
import type { Clock, DeadLetterSource, JobQueue, JobStore } from '../core/ports';
import {
  REDRIVE_MAX_DEFAULT,
  REDRIVE_MAX_LIMIT,
  REDRIVE_RATE_DEFAULT,
  REDRIVE_RATE_LIMIT,
  type RedriveRequest,
  redriveDeadLetters,
} from '../core/use-cases/redrive-dead-letters';
import { callerOf } from './caller';
import { JOB_ID_PATTERN } from './get-job';
import { jsonResponse } from './http';
import { parseJsonBody } from './parse-body';
import { errorResponse } from './problem';

/** Largest redrive body: 10,000 quoted UUIDs and their commas fit in 400 kB. */
export const REDRIVE_MAX_BODY_BYTES = 512 * 1024;

export interface RedriveHandlerDeps {
  readonly store: JobStore;
  /** The queue and DLQ of a job type; undefined for a name that is no job type. */
  readonly queuesFor: (
    jobName: string,
  ) => { readonly queue: JobQueue; readonly deadLetters: DeadLetterSource } | undefined;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly logger: JobLogger;
  readonly retentionSeconds: number;
  /** @default REDRIVE_TIME_BUDGET_MS */
  readonly timeBudgetMs?: number;
}

/**
 * `POST /admin/jobs/{name}/redrive` with `{ jobIds?, max?, ratePerSecond? }`: moves the job
 * type's dead letters back to its queue, resetting each Failed job to Queued. `200` with the
 * counts (`complete: false` when `max` or the time budget stopped it: call again); `400
 * INVALID_INPUT`; `404 UNKNOWN_JOB_TYPE`.
 */
export function makeRedriveHandler(deps: RedriveHandlerDeps) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      const caller = callerOf(event);
      const name = event.pathParameters?.name ?? '';
      const options = parseOptions(parseJsonBody(event, REDRIVE_MAX_BODY_BYTES));
      const queues = deps.queuesFor(name);
      if (!queues) throw new UnknownJobTypeError(name.slice(0, 64));
      const request: RedriveRequest = { name, ...options };
      deps.logger.info('Redrive requested', {
        caller,
        name,
        selected: options.jobIds?.length ?? 'all',
        max: options.max,
        ratePerSecond: options.ratePerSecond,
      });
      const result = await redriveDeadLetters({ ...deps, ...queues }, request);
      deps.logger.info('Redrive done', { caller, name, ...result });
      return jsonResponse(200, result);
    } catch (error) {
      return errorResponse(error, deps.logger);
    }
  };
}

/** @throws InvalidInputError naming every bad field */
export function parseOptions(body: unknown): Omit<RedriveRequest, 'name'> {
  const value = body ?? {};
  if (typeof value !== 'object' || Array.isArray(value) || value === null) {
    throw new InvalidInputError('The body must be a JSON object', [
      { path: '$', message: 'Expected an object' },
    ]);
  }
  const { jobIds, max, ratePerSecond, ...rest } = value as Record<string, unknown>;
  const issues: FieldIssue[] = Object.keys(rest).map((key) => ({
    path: `$.${key}`,
    message: 'Unknown field: use jobIds, max or ratePerSecond',
  }));
  if (
    jobIds !== undefined &&
    (!Array.isArray(jobIds) ||
      jobIds.length === 0 ||
      jobIds.length > REDRIVE_MAX_LIMIT ||
      !jobIds.every((id) => typeof id === 'string' && JOB_ID_PATTERN.test(id)))
  ) {
    issues.push({ path: '$.jobIds', message: `Expected 1-${REDRIVE_MAX_LIMIT} job ids (UUIDs)` });
  }
  if (
    max !== undefined &&
    !(Number.isInteger(max) && (max as number) >= 1 && (max as number) <= REDRIVE_MAX_LIMIT)
  ) {
    issues.push({ path: '$.max', message: `Expected an integer from 1 to ${REDRIVE_MAX_LIMIT}` });
  }
  if (
    ratePerSecond !== undefined &&
    !(typeof ratePerSecond === 'number' && ratePerSecond > 0 && ratePerSecond <= REDRIVE_RATE_LIMIT)
  ) {
    issues.push({
      path: '$.ratePerSecond',
      message: `Expected a number above 0, at most ${REDRIVE_RATE_LIMIT}`,
    });
  }
  if (issues.length > 0) throw new InvalidInputError('The redrive request is not valid', issues);
  const ids = jobIds as string[] | undefined;
  return {
    ...(ids ? { jobIds: [...new Set(ids.map((id) => id.toLowerCase()))] } : {}),
    max: (max as number | undefined) ?? (ids ? Math.min(ids.length, REDRIVE_MAX_LIMIT) : REDRIVE_MAX_DEFAULT),
    ratePerSecond: (ratePerSecond as number | undefined) ?? REDRIVE_RATE_DEFAULT,
  };
}
