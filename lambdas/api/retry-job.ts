import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { PollIntervalLookup } from '../core/catalog';
import { JobNotFoundError } from '../core/errors';
import { toJobView } from '../core/job';
import type { JobLogger } from '../core/job-type';
import { type RetryJobDeps, retryJob } from '../core/use-cases/retry-job';
import { callerOf } from './caller';
import { JOB_ID_PATTERN } from './get-job';
import { jobLocation, jsonResponse } from './http';
import { errorResponse } from './problem';
import { pollAfterSeconds } from './retry-after';

export interface RetryJobHandlerDeps extends RetryJobDeps {
  /** The job types' poll intervals, for `Retry-After` (the catalog, or the stack's resolved copy). */
  readonly catalog: PollIntervalLookup;
  readonly logger: JobLogger;
}

/**
 * `POST /jobs/{nameOrId}/retry`: the owner re-queues a Failed job. `202` with the Queued job,
 * `Location` and `Retry-After`; `404` for an unknown or another caller's job; `409
 * JOB_NOT_FAILED` for a job in any other state; `503` when it could not be queued (still Failed).
 */
export function makeRetryJobHandler(deps: RetryJobHandlerDeps) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      const owner = callerOf(event);
      const id = event.pathParameters?.nameOrId ?? '';
      if (!JOB_ID_PATTERN.test(id)) throw new JobNotFoundError(id.slice(0, 64));
      const job = await retryJob(deps, { owner, id: id.toLowerCase() });
      const headers: Record<string, string> = { Location: jobLocation(event, job.id) };
      if (deps.catalog.has(job.name)) {
        const settings = deps.catalog.get(job.name).settings;
        headers['Retry-After'] = String(pollAfterSeconds(job, settings, deps.clock.now()));
      }
      return jsonResponse(202, toJobView(job), headers);
    } catch (error) {
      return errorResponse(error, deps.logger);
    }
  };
}
