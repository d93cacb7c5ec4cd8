/**
 * The job record: the AsyncEndpoints job fields plus what an at-least-once, multi-worker
 * system on AWS needs (owner, idempotency, lease, attempt, TTL, version).
 */
import type { AttemptRecord } from './attempt-history';
import { type JobPriority, priorityOf } from './job-priority';
import type { JobStatus } from './job-status';

/** What a failed attempt left on the job. Never a stack trace: logs keep those. */
export interface JobErrorInfo {
  readonly code: string;
  readonly message: string;
}

/** What a running job last reported through its handler's `heartbeat`. */
export interface JobProgress {
  /** 0..100, when the handler knows it. */
  readonly percent?: number;
  readonly message?: string;
  /** When the heartbeat that carried it was written (ISO). */
  readonly updatedAt: string;
}

/** A JSON value as accepted from clients and returned by handlers. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Job {
  readonly id: string;
  /** The job type's name; selects the handler. */
  readonly name: string;
  readonly status: JobStatus;
  /** The caller identity that submitted the job; only it may read the job. */
  readonly owner: string;
  /**
   * The validated input, as submitted. In a job read back from a store it may be the store's
   * reference to a large input kept elsewhere: open it with `JobStore.loadInput`, and otherwise
   * carry it through unchanged.
   */
  readonly input: unknown;
  /**
   * What the handler returned. Read back from a store, a large one may be the store's
   * reference to it (the API turns that into a download link).
   */
  readonly result?: unknown;
  readonly error?: JobErrorInfo;
  /** Retries scheduled so far (0 on the first attempt). */
  readonly retryCount: number;
  /** Retries allowed after the first attempt. */
  readonly maxRetries: number;
  /**
   * Attempts so far: each claim, including re-claims after a lost worker, plus one when SQS
   * dead-lettered a waiting job's deliveries before any claim (`RECEIVE_LIMIT_EXCEEDED`).
   */
  readonly attempt: number;
  /** ISO time before which a Scheduled job must not run. */
  readonly retryDelayUntil?: string;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly completedAt?: string;
  readonly lastUpdatedAt: string;
  readonly idempotencyKey?: string;
  /** Hash of the job name and input, to tell a replay from a different request with one key. */
  readonly requestHash: string;
  /** Who holds the job while it runs, and until when (ISO). A write must still hold it. */
  readonly leaseOwner?: string;
  readonly leaseExpiresAt?: string;
  /** Epoch seconds after which the record is gone (DynamoDB TTL; readers filter it too). */
  readonly expiresAt: number;
  /** When the owner asked to cancel the job while it ran (ISO); its worker then stops it. */
  readonly cancelRequestedAt?: string;
  /** The running handler's last reported progress. */
  readonly progress?: JobProgress;
  /** One entry per finished attempt, oldest first, bounded (see `attempt-history.ts`). */
  readonly history?: readonly AttemptRecord[];
  /**
   * `attempt` when the job was last re-queued from Failed (owner retry, DLQ redrive): the retry
   * policy counts attempts from there, so a retried job gets its full `maxRetries` again.
   */
  readonly requeuedAtAttempt?: number;
  /**
   * `high` sends the job (and every re-queue of it) to the job type's high-priority queue.
   * Absent on records written before priorities existed: normal.
   */
  readonly priority?: JobPriority;
  /** Incremented by every write; conditional writes compare it. */
  readonly version: number;
}

/**
 * The job JSON clients see: AsyncEndpoints' JobResponse, plus `attempt`, `history`, `progress`,
 * `cancelRequested` and `priority`.
 */
export interface JobView {
  id: string;
  name: string;
  status: JobStatus;
  retryCount: number;
  maxRetries: number;
  attempt: number;
  retryDelayUntil: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  lastUpdatedAt: string;
  result: unknown;
  error: JobErrorInfo | null;
  history: readonly AttemptRecord[];
  progress: JobProgress | null;
  cancelRequested: boolean;
  priority: JobPriority;
  /** `GET /jobs/{id}` of a result stored in S3: a presigned GET URL (`result` is then null). */
  resultUrl?: string;
  /** When `resultUrl` stops working (ISO 8601). */
  resultUrlExpiresAt?: string;
}

export function toJobView(job: Job): JobView {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    retryCount: job.retryCount,
    maxRetries: job.maxRetries,
    attempt: job.attempt,
    retryDelayUntil: job.retryDelayUntil ?? null,
    createdAt: job.createdAt,
    startedAt: job.startedAt ?? null,
    completedAt: job.completedAt ?? null,
    lastUpdatedAt: job.lastUpdatedAt,
    result: job.result ?? null,
    error: job.error ?? null,
    history: job.history ?? [],
    progress: job.progress ?? null,
    cancelRequested: job.cancelRequestedAt !== undefined,
    priority: priorityOf(job),
  };
}

/** True once the record's retention has run out; DynamoDB deletes such items lazily. */
export function isExpired(job: Pick<Job, 'expiresAt'>, now: Date): boolean {
  return job.expiresAt * 1000 <= now.getTime();
}

/** Epoch seconds `retentionSeconds` after `from`. */
export function expiryAfter(from: Date, retentionSeconds: number): number {
  return Math.floor(from.getTime() / 1000) + retentionSeconds;
}
