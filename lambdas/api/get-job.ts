import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { PollIntervalLookup } from '../core/catalog';
import { JobNotFoundError } from '../core/errors';
import { toJobView } from '../core/job';
import { isTerminal } from '../core/job-status';
import type { JobLogger } from '../core/job-type';
import { type GetJobDeps, getJob } from '../core/use-cases/get-job';
import { callerOf } from './caller';
import { jsonResponse } from './http';
import { errorResponse } from './problem';
import { pollAfterSeconds } from './retry-after';

/** A short-lived download link to a result the store keeps outside the record. */
export interface ResultLink {
  readonly url: string;
  /** ISO time the URL stops working. */
  readonly expiresAt: string;
}

export interface GetJobHandlerDeps extends GetJobDeps {
  /** The job types' poll intervals, for `Retry-After` (the catalog, or the stack's resolved copy). */
  readonly catalog: PollIntervalLookup;
  readonly logger: JobLogger;
  /**
   * A link to the job's result when the store keeps it outside the record (in S3): the view
   * then carries `resultUrl` and `resultUrlExpiresAt` instead of the inline `result`.
   * @default - results are always inline (the in-memory store)
   */
  readonly resultLink?: (result: unknown, now: Date) => Promise<ResultLink | undefined>;
}

/** Job ids are UUIDs. */
export const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function makeGetJobHandler(deps: GetJobHandlerDeps) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      const owner = callerOf(event);
      const id = event.pathParameters?.nameOrId ?? '';
      // Ids are UUIDs: anything else cannot name a job, so do not spend a read on it.
      if (!JOB_ID_PATTERN.test(id)) throw new JobNotFoundError(id.slice(0, 64));
      const job = await getJob(deps, { owner, id: id.toLowerCase() });
      const headers: Record<string, string> = {};
      if (!isTerminal(job.status) && deps.catalog.has(job.name)) {
        headers['Retry-After'] = String(
          pollAfterSeconds(job, deps.catalog.get(job.name).settings, deps.clock.now()),
        );
      }
      const link =
        job.result === undefined ? undefined : await deps.resultLink?.(job.result, deps.clock.now());
      const view = toJobView(job);
      return jsonResponse(
        200,
        link ? { ...view, result: null, resultUrl: link.url, resultUrlExpiresAt: link.expiresAt } : view,
        headers,
      );
    } catch (error) {
      return errorResponse(error, deps.logger);
    }
  };
}
