import { type FieldIssue, InvalidQueryError } from '../errors';
import { isExpired } from '../job';
import { ALL_STATUSES, isJobStatus } from '../job-status';
import { JOB_NAME_PATTERN } from '../job-type';
import type { Clock, JobPage, JobStore, ListJobsQuery } from '../ports';

export interface ListJobsDeps {
  readonly store: JobStore;
  readonly clock: Clock;
}

/** The parameters `GET /jobs` accepts; any other is refused. */
export const LIST_JOBS_PARAMETERS = ['name', 'status', 'limit', 'cursor'] as const;
/** Jobs per page when `limit` is not given. */
export const DEFAULT_LIST_LIMIT = 20;
/** Largest `limit`: every owner shard may be asked for a page's worth of summaries. */
export const MAX_LIST_LIMIT = 100;

/** Query string parameters by name, every value of each (a repeated parameter has several). */
export type QueryParameters = Readonly<Record<string, readonly string[]>>;

export interface ListJobsRequest {
  readonly owner: string;
  readonly parameters: QueryParameters;
}

/**
 * One page of the caller's jobs, newest first, as summaries.
 *
 * @example
 * await listJobs(deps, { owner, parameters: { status: ['Failed'], limit: ['10'] } });
 * @throws InvalidQueryError naming every bad or unknown parameter, all at once
 * @throws InvalidCursorError when `cursor` is not a `nextCursor` the store issued
 */
export async function listJobs(deps: ListJobsDeps, request: ListJobsRequest): Promise<JobPage> {
  const now = deps.clock.now();
  const query = parseListJobsQuery(request.owner, request.parameters, now);
  const page = await deps.store.list(query);
  // The store filters expiry already (and reads only the caller's partition); a second look costs
  // nothing and keeps this use-case's promise independent of each adapter's expression.
  const items = page.items.filter((job) => !isExpired(job, now));
  return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
}

/**
 * Validates the query string. An empty value counts as absent (`?cursor=` is the first page).
 * A name that is well formed but not a job type is not an error: no job has it, so the page is
 * empty.
 * @throws InvalidQueryError naming every bad or unknown parameter
 */
export function parseListJobsQuery(owner: string, parameters: QueryParameters, now: Date): ListJobsQuery {
  const issues: FieldIssue[] = [];
  const known = LIST_JOBS_PARAMETERS as readonly string[];
  for (const name of Object.keys(parameters)) {
    if (!known.includes(name)) {
      issues.push({
        path: name.slice(0, 64),
        message: `unknown parameter; GET /jobs accepts ${LIST_JOBS_PARAMETERS.join(', ')}`,
      });
    }
  }
  const single = (name: (typeof LIST_JOBS_PARAMETERS)[number]): string | undefined => {
    const values = (Object.hasOwn(parameters, name) ? (parameters[name] ?? []) : []).filter((v) => v !== '');
    if (values.length > 1) issues.push({ path: name, message: 'given more than once' });
    return values[0];
  };

  const name = single('name');
  if (name !== undefined && !JOB_NAME_PATTERN.test(name)) {
    issues.push({
      path: 'name',
      message: 'must be a job type name: lower-case letters, digits and dashes, starting with a letter',
    });
  }
  const status = single('status');
  if (status !== undefined && !isJobStatus(status)) {
    issues.push({ path: 'status', message: `must be one of ${ALL_STATUSES.join(', ')}` });
  }
  const rawLimit = single('limit');
  const limit = rawLimit === undefined ? DEFAULT_LIST_LIMIT : Number(rawLimit);
  if (rawLimit !== undefined && (!/^\d{1,3}$/.test(rawLimit) || limit < 1 || limit > MAX_LIST_LIMIT)) {
    issues.push({ path: 'limit', message: `must be an integer from 1 to ${MAX_LIST_LIMIT}` });
  }
  const cursor = single('cursor');

  const first = issues[0];
  if (first) throw new InvalidQueryError(`Invalid query (${first.path}: ${first.message})`, issues);
  return {
    owner,
    limit,
    now,
    ...(name === undefined ? {} : { name }),
    ...(status !== undefined && isJobStatus(status) ? { status } : {}),
    ...(cursor === undefined ? {} : { cursor }),
  };
}
