/**
 * What one successful job costs in AWS requests, counted from the code paths:
 *
 * ```
 * POST /jobs/{name}  submit Lambda  DynamoDB PutItem (create, conditional)      core/use-cases/submit-job.ts
 *                                   SQS SendMessage ({ id, name }, ~60 B)       adapters/sqs-job-queue.ts
 * event source       ReceiveMessage + DeleteMessageBatch, per batch of up to 10 (Lambda's poller)
 * processor Lambda   DynamoDB UpdateItem (claim, ALL_NEW)                       adapters/dynamodb-job-store.ts
 *                    DynamoDB UpdateItem (lease renewal) every LEASE_MS/3 while running   core/lease-keeper.ts
 *                    DynamoDB PutItem (Completed, version-conditional)          core/use-cases/process-job.ts
 * GET /jobs/{id}     get-job Lambda  DynamoDB GetItem (strongly consistent), per poll
 * ```
 *
 * Every write also writes the two global secondary indexes, both projecting ALL attributes
 * (`lambdas/table-schema.ts`): `ByOwner` (keys never change: one index write per table write)
 * and the sparse `Active` (the put adds the job; the claim and each renewal change its sort key
 * `lastUpdatedAt`, which is a delete plus a put; the outcome removes `activeShard`, a delete).
 * A write costs one WRU per started KB of the larger of the old and new item.
 */
import type { Job } from '../lambdas/core/job';
import { LEASE_MS } from '../lambdas/core/lease-keeper';
import { recordBytes } from '../lambdas/core/record-size';

/** Seconds between lease renewals of a running job. */
export const LEASE_RENEWAL_SECONDS = LEASE_MS / 3 / 1000;

/** Sizes of one job's record over its life, bytes (as the core measures a record). */
export interface RecordSizes {
  /** As submitted (Queued). */
  readonly queued: number;
  /** Claimed (InProgress, with its lease). */
  readonly running: number;
  /** Completed, with its result and history. */
  readonly completed: number;
}

/** DynamoDB and SQS requests of one successful job, first attempt. */
export interface JobFootprint {
  readonly sizes: RecordSizes;
  /** Lease renewals while the handler runs. */
  readonly renewals: number;
  /** Table writes (PutItem / UpdateItem calls). */
  readonly tableWrites: number;
  /** WRU on the table itself. */
  readonly tableWru: number;
  /** WRU on the `ByOwner` index. */
  readonly byOwnerWru: number;
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

/**
 * Record sizes for a job whose input JSON is `payloadBytes` and result JSON `resultBytes`,
 * measured with the core's own `recordBytes` on a representative record (an IAM role ARN as
 * owner, UUIDs, one attempt in its history).
 */
export function recordSizes(payloadBytes: number, resultBytes: number): RecordSizes {
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
    requestHash: 'f'.repeat(64),
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
  const completed: Job = {
    ...running,
    status: 'Completed',
    result: json(resultBytes),
    completedAt: at,
    history: [{ attempt: 1, startedAt: at, endedAt: at, outcome: 'completed' }],
    version: 3,
  };
  // `activeShard` ("active") rides along while unfinished; JSON quoting stands in for it.
  return { queued: recordBytes(queued), running: recordBytes(running), completed: recordBytes(completed) };
}

/**
 * The footprint of one successful job that runs `durationSeconds`.
 *
 * @example jobFootprint({ payloadBytes: 4096, resultBytes: 1024, durationSeconds: 2 }).totalWru
 */
export function jobFootprint(workload: {
  readonly payloadBytes: number;
  readonly resultBytes: number;
  readonly durationSeconds: number;
}): JobFootprint {
  const sizes = recordSizes(workload.payloadBytes, workload.resultBytes);
  const renewals = Math.floor(workload.durationSeconds / LEASE_RENEWAL_SECONDS);
  const create = wru(sizes.queued);
  const claim = wru(Math.max(sizes.queued, sizes.running));
  const renew = wru(sizes.running);
  const complete = wru(Math.max(sizes.running, sizes.completed));
  const tableWru = create + claim + renewals * renew + complete;
  const byOwnerWru = tableWru;
  // Active: put; claim = delete old + put new; each renewal the same; outcome = delete.
  const activeWru = create + (wru(sizes.queued) + renew) + renewals * (2 * renew) + renew;
  return {
    sizes,
    renewals,
    tableWrites: 3 + renewals,
    tableWru,
    byOwnerWru,
    activeWru,
    totalWru: tableWru + byOwnerWru + activeWru,
    rruPerPoll: rru(sizes.completed),
    messagesSent: 1,
    chunksPerMessage: 1,
  };
}
