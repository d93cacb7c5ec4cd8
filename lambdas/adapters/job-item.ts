import type { Job, JobProgress } from '../core/job';
import { isTerminal } from '../core/job-status';
import { ACTIVE_INDEX, ACTIVE_SHARDS, activeShardKey } from '../table-schema';
import { gunzipJson } from './payload-codec';
import { StoredPayload } from './stored-payload';

/**
 * The DynamoDB item of a job. Input and result are stored as JSON strings, not maps: any valid
 * JSON round-trips exactly (DynamoDB numbers cannot hold 1e200, maps reject some key shapes),
 * and the record's size is the JSON's size. Large ones are a {@link StoredPayload} instead
 * (`job-payloads.ts` decides): gzip as a Binary attribute, or an S3 pointer as a Map.
 * `activeShard` (the `Active` index key) is set while the job is not finished and never
 * reaches the Job.
 */
export type JobItem = Record<string, unknown>;

export function toItem(job: Job): JobItem {
  const { input, result, ...rest } = job;
  const item: JobItem = { ...rest, input: payloadAttribute(input ?? null) };
  if (result !== undefined) item.result = payloadAttribute(result);
  // Only unfinished jobs are in the sparse `Active` index the recovery sweeper queries.
  if (!isTerminal(job.status)) item[ACTIVE_INDEX.partitionKey] = activeShardKey(activeShardOf(job.id));
  for (const key of Object.keys(item)) if (item[key] === undefined) delete item[key];
  return item;
}

/**
 * The `Active` index shard of a job: FNV-1a (32-bit) of its id, mod {@link ACTIVE_SHARDS}.
 * Stable for an id, so every write of a job lands in the same shard; even over random UUIDs
 * and over the hashed ids of idempotency keys alike.
 */
export function activeShardOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % ACTIVE_SHARDS;
}

export function fromItem(item: JobItem): Job {
  const { input, result, [ACTIVE_INDEX.partitionKey]: _shard, ...rest } = item;
  return {
    ...(rest as Omit<Job, 'input' | 'result'>),
    // The input stays in its stored form until the processor loads it (`JobStore.loadInput`).
    input: typeof input === 'string' ? JSON.parse(input) : (StoredPayload.fromAttribute(input) ?? null),
    ...(result === undefined ? {} : { result: resultValue(result) }),
  };
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
