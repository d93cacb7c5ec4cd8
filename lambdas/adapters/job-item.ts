import type { Job, JobProgress } from '../core/job';
import { isTerminal } from '../core/job-status';
import { ACTIVE_INDEX, ACTIVE_SHARD } from '../table-schema';

/**
 * The DynamoDB item of a job. Input and result are stored as JSON strings, not maps: any valid
 * JSON round-trips exactly (DynamoDB numbers cannot hold 1e200, maps reject some key shapes),
 * and the record's size is the JSON's size. `activeShard` (the `Active` index key) is set while
 * the job is not finished and never reaches the Job.
 */
export type JobItem = Record<string, unknown>;

export function toItem(job: Job): JobItem {
  const { input, result, ...rest } = job;
  const item: JobItem = { ...rest, input: JSON.stringify(input ?? null) };
  if (result !== undefined) item.result = JSON.stringify(result);
  // Only unfinished jobs are in the sparse `Active` index the recovery sweeper queries.
  if (!isTerminal(job.status)) item[ACTIVE_INDEX.partitionKey] = ACTIVE_SHARD;
  for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
  return item;
}

export function fromItem(item: JobItem): Job {
  const { input, result, [ACTIVE_INDEX.partitionKey]: _shard, ...rest } = item;
  return {
    ...(rest as Omit<Job, 'input' | 'result'>),
    input: typeof input === 'string' ? JSON.parse(input) : null,
    ...(typeof result === 'string' ? { result: JSON.parse(result) } : {}),
  };
}

/** The stored progress: only the fields reported, stamped `updatedAt`. */
export function progressOf(progress: { percent?: number; message?: string }, updatedAt: string): JobProgress {
  return {
    ...(progress.percent !== undefined ? { percent: progress.percent } : {}),
    ...(progress.message !== undefined ? { message: progress.message } : {}),
    updatedAt,
  };
}
