import type { Job, JobProgress } from '../core/job';
import { isTerminal } from '../core/job-status';
import type { JobSummary } from '../core/job-summary';
import type { StaleJob } from '../core/ports';
import {
  ACTIVE_INDEX,
  activeShardKey,
  BY_OWNER_INDEX,
  createdKeyOf,
  ownerShardKey,
  shardOf,
  type TableShards,
} from '../table-schema';
import { gunzipJson } from './payload-codec';
import { StoredPayload } from './stored-payload';

/**
 * The DynamoDB item of a job. Input and result are stored as JSON strings, not maps: any valid
 * JSON round-trips exactly (DynamoDB numbers cannot hold 1e200, maps reject some key shapes),
 * and the record's size is the JSON's size. Large ones are a {@link StoredPayload} instead
 * (`job-payloads.ts` decides): gzip as a Binary attribute, or an S3 pointer as a Map.
 * The index keys (`ownerShard` and `createdKey` of `ByOwner`; `activeShard` of `Active`, set only
 * while the job is not finished) follow from the job and the shard counts, and never reach the Job.
 */
export type JobItem = Record<string, unknown>;

export function toItem(job: Job, shards: TableShards): JobItem {
  const { input, result, ...rest } = job;
  const item: JobItem = {
    ...rest,
    input: payloadAttribute(input ?? null),
    [BY_OWNER_INDEX.partitionKey]: ownerShardKey(job.owner, shardOf(job.id, shards.ownerShards)),
    [BY_OWNER_INDEX.sortKey]: createdKeyOf(job),
  };
  if (result !== undefined) item.result = payloadAttribute(result);
  // Only unfinished jobs are in the sparse `Active` index the recovery sweeper queries.
  if (!isTerminal(job.status)) item[ACTIVE_INDEX.partitionKey] = activeShardKeyOf(job.id, shards);
  for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
  return item;
}

/** The `activeShard` value of a job. */
export function activeShardKeyOf(id: string, shards: TableShards): string {
  return activeShardKey(shardOf(id, shards.activeShards));
}

export function fromItem(item: JobItem): Job {
  const {
    input,
    result,
    [ACTIVE_INDEX.partitionKey]: _active,
    [BY_OWNER_INDEX.partitionKey]: _owner,
    [BY_OWNER_INDEX.sortKey]: _created,
    ...rest
  } = item;
  return {
    ...(rest as Omit<Job, 'input' | 'result'>),
    // The input stays in its stored form until the processor loads it (`JobStore.loadInput`).
    input: typeof input === 'string' ? JSON.parse(input) : (StoredPayload.fromAttribute(input) ?? null),
    ...(result === undefined ? {} : { result: resultValue(result) }),
  };
}

/**
 * A job summary from an item holding its fields: a `ByOwner` entry (id, name, createdAt) merged
 * with the record's live attributes (status, startedAt, completedAt, expiresAt).
 */
export function summaryFromItem(item: JobItem): JobSummary {
  return pick(item, ['id', 'name', 'status', 'createdAt', 'expiresAt'], ['startedAt', 'completedAt']);
}

/** An `Active` index entry as the sweeper's first look at a job. */
export function staleJobFromItem(item: JobItem): StaleJob {
  return pick(item, ['id', 'name', 'status', 'lastUpdatedAt'], ['leaseExpiresAt', 'retryDelayUntil']);
}

/** The `required` attributes of an index entry, and those of `optional` it has. */
function pick<T>(
  item: JobItem,
  required: readonly (keyof T & string)[],
  optional: readonly (keyof T & string)[],
): T {
  const entries = [...required, ...optional.filter((key) => item[key] !== undefined)].map((key) => [
    key,
    item[key],
  ]);
  return Object.fromEntries(entries) as T;
}

function payloadAttribute(value: unknown): unknown {
  return value instanceof StoredPayload ? value.toAttribute() : JSON.stringify(value);
}

/** A result as views need it: gzip is opened here (it is small); an S3 pointer stays a pointer. */
function resultValue(attribute: unknown): unknown {
  if (typeof attribute === 'string') return JSON.parse(attribute);
  if (attribute instanceof Uint8Array) return gunzipJson(attribute);
  return StoredPayload.fromAttribute(attribute) ?? null;
}

/** The stored progress: only the fields reported, stamped `updatedAt`. */
export function progressOf(progress: { percent?: number; message?: string }, updatedAt: string): JobProgress {
  return {
    ...(progress.percent !== undefined ? { percent: progress.percent } : {}),
    ...(progress.message !== undefined ? { message: progress.message } : {}),
    updatedAt,
  };
}
