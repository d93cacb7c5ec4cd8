import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { toJobSummaryView } from '../core/job-summary';
import type { JobLogger } from '../core/job-type';
import { type ListJobsDeps, listJobs, type QueryParameters } from '../core/use-cases/list-jobs';
import { callerOf } from './caller';
import { jobLocation, jsonResponse } from './http';
import { errorResponse } from './problem';

export interface ListJobsHandlerDeps extends ListJobsDeps {
  readonly logger: JobLogger;
}

/**
 * `GET /jobs?name=&status=&limit=&cursor=`: the caller's jobs, newest first, as
 * `{ items, nextCursor }` (`nextCursor` is null on the last page). Items are summaries with an
 * `href` to the full job (`GET /jobs/{id}`): a listing reads only the index.
 */
export function makeListJobsHandler(deps: ListJobsHandlerDeps) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    try {
      const owner = callerOf(event);
      const page = await listJobs(deps, { owner, parameters: queryParameters(event) });
      const items = page.items.map((job) => toJobSummaryView(job, jobLocation(event, job.id)));
      return jsonResponse(200, { items, nextCursor: page.nextCursor ?? null });
    } catch (error) {
      return errorResponse(error, deps.logger);
    }
  };
}

/**
 * Every value of every parameter: API Gateway's single-value map keeps only the last of a repeat.
 * Built with `Object.fromEntries`, so a client's `__proto__` is an own key, reported as unknown.
 */
function queryParameters(
  event: Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'>,
): QueryParameters {
  const parameters = new Map<string, readonly string[]>();
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    if (values) parameters.set(name, values);
  }
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined && !parameters.has(name)) parameters.set(name, [value]);
  }
  return Object.fromEntries(parameters);
}
