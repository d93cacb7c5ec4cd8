import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { JobNotFoundError } from '../core/errors';
import { toJobView } from '../core/job';
import type { JobLogger } from '../core/job-type';
import { type CancelJobDeps, cancelJob } from '../core/use-cases/cancel-job';
import { callerOf } from './caller';
import { JOB_ID_PATTERN } from './get-job';
import { jsonResponse } from './http';
import { errorResponse } from './problem';

export interface CancelJobHandlerDeps extends CancelJobDeps {
  readonly logger: JobLogger;
  /**
   * Counts a job canceled here (queued or scheduled); a running one is counted by its processor.
   * @default - not counted
   */
  readonly countCanceled?: (jobName: string) => void;
}

/**
 * `DELETE /jobs/{nameOrId}`: `200` with the job when it is Canceled now, `202` when it is
 * running and its worker will stop it (poll it until Canceled), `404`, `409` when it finished.
 */
export function makeCancelJobHandler(deps: CancelJobHandlerDeps) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      const owner = callerOf(event);
      const id = event.pathParameters?.nameOrId ?? '';
      if (!JOB_ID_PATTERN.test(id)) throw new JobNotFoundError(id.slice(0, 64));
      const outcome = await cancelJob(deps, { owner, id: id.toLowerCase() });
      if (outcome.kind === 'canceled') deps.countCanceled?.(outcome.job.name);
      return jsonResponse(outcome.kind === 'canceled' ? 200 : 202, toJobView(outcome.job));
    } catch (error) {
      return errorResponse(error, deps.logger);
    }
  };
}
