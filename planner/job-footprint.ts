/**
 * What one successful job costs in AWS requests, counted from the code paths:
 *
 * ```
 * POST /jobs/{name}  submit Lambda  DynamoDB PutItem (create, conditional)      core/use-cases/submit-job.ts
 *                                   SQS SendMessage ({ id, name }, ~60 B)       adapters/sqs-job-queue.ts
 * event source       ReceiveMessage + DeleteMessageBatch, per batch of up to 10 (Lambda's poller)
 * processor Lambda   DynamoDB UpdateItem (claim, ALL_NEW)                       adapters/dynamodb-job-store.ts
 *                    DynamoDB UpdateItem (lease renewal) every LEASE_MS/3 while running   core/lease-keeper.ts
 *                    DynamoDB GetItem (cancel check: eventually consistent, one attribute)
 *                      cancelCheckSeconds after the last renewal or check, while running  core/lease-keeper.ts
 *                    DynamoDB PutItem (Completed, version-conditional)          core/use-cases/process-job.ts
 * GET /jobs/{id}     get-job Lambda  DynamoDB GetItem (strongly consistent), per poll
 * ```
 *
 * A table write writes an index only when it changes a key or projected attribute of it
 * (`lambdas/table-schema.ts`, projections INCLUDE): `ByOwner` (keys, name and createdAt, none
 * of which changes after submit) is written by the create only; the
 * sparse `Active` gets a put on create, a delete plus a put whenever its sort key
 * `lastUpdatedAt` moves (the claim, each renewal), and a delete when the outcome removes
 * `activeShard`. A table write costs one WRU per started KB of the larger of the old and new
 * item; an index write one WRU per started KB of the index entry (its keys and projected
 * attributes, plus 100 B).
 */
import type { Job } from '../lambdas/core/job';
import { DEFAULT_JOB_SETTINGS } from '../lambdas/core/job-settings';
import { isTerminal } from '../lambdas/core/job-status';
import { LEASE_MS } from '../lambdas/core/lease-keeper';
import { recordBytes } from '../lambdas/core/record-size';
import {
  ACTIVE_INDEX,
  ACTIVE_PROJECTION,
  activeShardKey,
  BY_OWNER_INDEX,
  BY_OWNER_PROJECTION,
  createdKeyOf,
  JOB_TABLE_PARTITION_KEY,
  MAX_TABLE_SHARDS,
  ownerShardKey,
} from '../lambdas/table-schema';

/** Seconds between lease renewals of a running job. */
export const LEASE_RENEWAL_SECONDS = LEASE_MS / 3 / 1000;

/**
 * Sizes of one job's item over its life, bytes: the record as the core measures it, plus the
 * index key attributes the store adds (`ownerShard`, `createdKey`, and `activeShard` while
 * unfinished).
 */
export interface RecordSizes {
  /** As submitted (Queued). */
  readonly queued: number;
  /** Claimed (InProgress, with its lease). */
  readonly running: number;
  /** Completed, with its result and history. */
  readonly completed: number;
}

/** Bytes of one job's index entries (keys, projected attributes and DynamoDB's 100 B). */
export interface IndexEntrySizes {
  /** `ByOwner` entry: keys, name and createdAt (the same over the job's life). */
  readonly byOwner: number;
  /** `Active` entry while running (with its lease), the larger of its two shapes. */
  readonly active: number;
}

/** DynamoDB and SQS requests of one successful job, first attempt. */
export interface JobFootprint {
  readonly sizes: RecordSizes;
  readonly indexEntries: IndexEntrySizes;
  /** Lease renewals while the handler runs. */
  readonly renewals: number;
  /** Reads of the cancel flag while the handler runs, between the renewals. */
  readonly cancelChecks: number;
  /**
   * RRU of one cancel check: eventually consistent, so half a unit per started 4 KB of the
   * running job's item (DynamoDB bills the item's size, not the one attribute returned).
   */
  readonly rruPerCancelCheck: number;
  /** RRU of all the cancel checks of one job. */
  readonly cancelCheckRru: number;
  /** Table writes (PutItem / UpdateItem calls). */
  readonly tableWrites: number;
  /** WRU on the table itself. */
  readonly tableWru: number;
  /** Writes on the `ByOwner` index: the create only. */
  readonly byOwnerWrites: number;
  /** WRU on the `ByOwner` index. */
  readonly byOwnerWru: number;
  /** Writes on the `Active` index: put, claim (delete + put), 2 per renewal, outcome (delete). */
  readonly activeWrites: number;
  /** WRU on the `Active` index. */
  readonly activeWru: number;
  /** All WRU: table and indexes. */
  readonly totalWru: number;
  /** RRU of one status poll (strongly consistent GetItem of the finished record). */
  readonly rruPerPoll: number;
  /** SQS messages sent per job (the submit's SendMessage). */
  readonly messagesSent: number;
  /** 64 KB chunks per message: the message is `{ id, name }`, whatever the payload. */
  readonly chunksPerMessage: number;
}

const wru = (bytes: number) => Math.ceil(bytes / 1024);
const rru = (bytes: number) => Math.ceil(bytes / 4096);

/** DynamoDB's per-entry overhead in an index, bytes. */
export const INDEX_ENTRY_OVERHEAD_BYTES = 100;

/** JSON bytes of `fields` as extra members of an object (`,"a":1,"b":"x"`). */
const extraBytes = (fields: Record<string, unknown>) =>
  Object.keys(fields).length === 0 ? 0 : Buffer.byteLength(JSON.stringify(fields), 'utf8') - 1;

/** The widest shard numbers a stage may use: the keys are priced at their longest. */
const OWNER_SHARD = MAX_TABLE_SHARDS.ownerShards - 1;
const ACTIVE_SHARD = MAX_TABLE_SHARDS.activeShards - 1;

/** The index key attributes the store adds to a job's item. */
function indexKeys(job: Job): Record<string, unknown> {
  return {
    [BY_OWNER_INDEX.partitionKey]: ownerShardKey(job.owner, OWNER_SHARD),
    [BY_OWNER_INDEX.sortKey]: createdKeyOf(job),
    ...(isTerminal(job.status) ? {} : { [ACTIVE_INDEX.partitionKey]: activeShardKey(ACTIVE_SHARD) }),
  };
}

/** Bytes of a job's item: the record plus its index keys. */
export function itemBytes(job: Job): number {
  return recordBytes(job) + extraBytes(indexKeys(job));
}

/** Bytes of a job's entry in an index: its keys and the attributes the index projects. */
function entryBytes(job: Job, keys: readonly string[], projected: readonly string[]): number {
  const item: Record<string, unknown> = { ...job, ...indexKeys(job) };
  const entry = Object.fromEntries(
    [JOB_TABLE_PARTITION_KEY, ...keys, ...projected]
      .filter((k) => item[k] !== undefined)
      .map((k) => [k, item[k]]),
  );
  return Buffer.byteLength(JSON.stringify(entry), 'utf8') + INDEX_ENTRY_OVERHEAD_BYTES;
}

/**
 * A representative job (an IAM role ARN as owner, UUIDs, one attempt in its history) whose input
 * JSON is `payloadBytes` and result JSON `resultBytes`, at each stage of its life.
 */
function lifeOf(payloadBytes: number, resultBytes: number): Record<keyof RecordSizes, Job> {
  const at = '2026-11-27T12:00:00.000Z';
  // A JSON string of n characters takes n + 2 bytes: the input and result take their sizes.
  const json = (bytes: number) => 'x'.repeat(Math.max(0, bytes - 2));
  const queued: Job = {
    id: '6f1c1f8e-8a4b-4a57-9d7e-2f9b0c4d1e23',
    name: 'a-job-type-name',
    status: 'Queued',
    owner: 'arn:aws:sts::123456789012:assumed-role/a-caller-role/a-session-name',
    input: json(payloadBytes),
    retryCount: 0,
    maxRetries: 3,
    attempt: 0,
    createdAt: at,
    lastUpdatedAt: at,
    requestHash: 'f'.repeat(43), // SHA-256, base64url
    expiresAt: 1_800_000_000,
    version: 1,
  };
  const running: Job = {
    ...queued,
    status: 'InProgress',
    attempt: 1,
    startedAt: at,
    leaseOwner: '0b6a3c56-2f0e-4a43-9f7e-5d2b1c0a9e88',
    leaseExpiresAt: at,
    version: 2,
  };
  // The outcome drops the lease.
  const { leaseOwner: _owner, leaseExpiresAt: _expires, ...unleased } = running;
  const completed: Job = {
    ...unleased,
    status: 'Completed',
    result: json(resultBytes),
    completedAt: at,
    history: [{ attempt: 1, startedAt: at, endedAt: at, outcome: 'completed' }],
    version: 3,
  };
  return { queued, running, completed };
}

/**
 * Item sizes for a job whose input JSON is `payloadBytes` and result JSON `resultBytes`: the
 * core's own `recordBytes` of a representative record, plus its index keys.
 */
export function recordSizes(payloadBytes: number, resultBytes: number): RecordSizes {
  const life = lifeOf(payloadBytes, resultBytes);
  return {
    queued: itemBytes(life.queued),
    running: itemBytes(life.running),
    completed: itemBytes(life.completed),
  };
}

/** Index entry sizes of the representative job (they do not depend on its payloads). */
export function indexEntrySizes(): IndexEntrySizes {
  const { running, completed } = lifeOf(0, 0);
  return {
    byOwner: entryBytes(
      completed,
      [BY_OWNER_INDEX.partitionKey, BY_OWNER_INDEX.sortKey],
      BY_OWNER_PROJECTION,
    ),
    active: entryBytes(running, [ACTIVE_INDEX.partitionKey, ACTIVE_INDEX.sortKey], ACTIVE_PROJECTION),
  };
}

/**
 * Cancel checks of a job that runs `durationSeconds`: one `everySeconds` after the start and
 * after each read of the flag (a check or a renewal, which comes every
 * {@link LEASE_RENEWAL_SECONDS}), none once it ends. 0: no checks.
 */
export function cancelChecksOf(durationSeconds: number, everySeconds: number): number {
  if (everySeconds <= 0) return 0;
  const between = (span: number) => Math.max(0, Math.ceil(span / everySeconds) - 1);
  const renewals = Math.floor(durationSeconds / LEASE_RENEWAL_SECONDS);
  return (
    renewals * between(LEASE_RENEWAL_SECONDS) + between(durationSeconds - renewals * LEASE_RENEWAL_SECONDS)
  );
}

/**
 * The footprint of one successful job that runs `durationSeconds`.
 *
 * @param workload.cancelCheckSeconds the job type's setting
 * @default workload.cancelCheckSeconds DEFAULT_JOB_SETTINGS.cancelCheckSeconds (2 s)
 * @example jobFootprint({ payloadBytes: 4096, resultBytes: 1024, durationSeconds: 2 }).totalWru
 */
export function jobFootprint(workload: {
  readonly payloadBytes: number;
  readonly resultBytes: number;
  readonly durationSeconds: number;
  readonly cancelCheckSeconds?: number;
}): JobFootprint {
  const sizes = recordSizes(workload.payloadBytes, workload.resultBytes);
  const indexEntries = indexEntrySizes();
  const renewals = Math.floor(workload.durationSeconds / LEASE_RENEWAL_SECONDS);
  const cancelChecks = cancelChecksOf(
    workload.durationSeconds,
    workload.cancelCheckSeconds ?? DEFAULT_JOB_SETTINGS.cancelCheckSeconds,
  );
  const rruPerCancelCheck = rru(sizes.running) / 2;
  const create = wru(sizes.queued);
  const claim = wru(Math.max(sizes.queued, sizes.running));
  const renew = wru(sizes.running);
  const complete = wru(Math.max(sizes.running, sizes.completed));
  const tableWru = create + claim + renewals * renew + complete;
  // Each index write is priced at the entry's largest shape.
  const byOwnerWrites = 1;
  const activeWrites = 1 + 2 + 2 * renewals + 1;
  const byOwnerWru = byOwnerWrites * wru(indexEntries.byOwner);
  const activeWru = activeWrites * wru(indexEntries.active);
  return {
    sizes,
    indexEntries,
    renewals,
    cancelChecks,
    rruPerCancelCheck,
    cancelCheckRru: cancelChecks * rruPerCancelCheck,
    tableWrites: 3 + renewals,
    tableWru,
    byOwnerWrites,
    byOwnerWru,
    activeWrites,
    activeWru,
    totalWru: tableWru + byOwnerWru + activeWru,
    rruPerPoll: rru(sizes.completed),
    messagesSent: 1,
    chunksPerMessage: 1,
  };
}
