/**
 * The ports the use-cases depend on. Adapters under `lambdas/adapters/` implement them for
 * DynamoDB and SQS, and in memory for tests.
 */
import type { Job, JobErrorInfo } from './job';
import type { JobStatus } from './job-status';

export interface Clock {
  now(): Date;
}

export interface Ids {
  /** A fresh random job id (UUID). */
  newId(): string;
}

/** Why a claim did not happen, with the record as it stands (absent if there is none). */
export type ClaimResult =
  | { readonly claimed: true; readonly job: Job }
  | { readonly claimed: false; readonly job?: Job };

export interface ClaimRequest {
  readonly id: string;
  readonly leaseOwner: string;
  readonly leaseExpiresAt: Date;
  readonly now: Date;
}

/** A renewal of the lease a worker holds, with the progress its handler reported. */
export interface HeartbeatRequest {
  readonly id: string;
  /** The worker's lease owner: the write succeeds only while it still holds the job. */
  readonly leaseOwner: string;
  readonly leaseExpiresAt: Date;
  /** Stamps `lastUpdatedAt` and the progress' `updatedAt`. */
  readonly now: Date;
  readonly progress?: { readonly percent?: number; readonly message?: string };
}

/** One page of a caller's jobs, newest first. */
export interface ListJobsQuery {
  /** Only this caller's jobs. */
  readonly owner: string;
  /** Only jobs of this type. */
  readonly name?: string;
  /** Only jobs in this state. */
  readonly status?: JobStatus;
  /** At most this many jobs (1..100). */
  readonly limit: number;
  /** Where the previous page stopped: `JobPage.nextCursor`, as the client sent it back. */
  readonly cursor?: string;
  /** Jobs that expired by then are left out (TTL deletes them lazily). */
  readonly now: Date;
}

export interface JobPage {
  readonly items: Job[];
  /** Opaque position after the last item; absent when nothing follows. */
  readonly nextCursor?: string;
}

export interface JobStore {
  /** @throws JobAlreadyExistsError carrying the stored record when the id is taken. */
  create(job: Job): Promise<void>;
  /** Strongly consistent read; expired records are returned as they are. */
  get(id: string): Promise<Job | undefined>;
  /**
   * Replaces the record with `next` if its version is still `next.version - 1`.
   * @throws JobVersionConflictError when another write came first.
   */
  update(next: Job): Promise<void>;
  /**
   * Atomically moves a claimable job (see `canClaim`) to InProgress with a new lease,
   * incrementing `attempt` and `version`, in one conditional write.
   */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /**
   * Renews a lease in one conditional write (status InProgress and `leaseOwner` unchanged):
   * sets `leaseExpiresAt`, `lastUpdatedAt`, `progress` when given, and bumps `version`.
   * @returns the updated record, or undefined when the lease is no longer held (or no record)
   */
  heartbeat(request: HeartbeatRequest): Promise<Job | undefined>;
  /**
   * The owner's unexpired jobs, newest first (`createdAt` descending), filtered by name and
   * status. A page may hold fewer than `limit` jobs and still carry a `nextCursor` (a store may
   * bound the work per call); only a page without one is the last.
   * @throws InvalidCursorError when `cursor` is not one this store issued
   */
  list(query: ListJobsQuery): Promise<JobPage>;
}

/** The producer side of a job type's queue. */
export interface JobQueue {
  /** Sends the job's message; resolves only once SQS has stored it. */
  enqueue(job: Pick<Job, 'id' | 'name'>): Promise<void>;
}

/** Control over one received message, for the processor. */
export interface Delivery {
  readonly jobId: string;
  /** Hides the message for `seconds` (the retry backoff) instead of the queue's default. */
  retryAfter(seconds: number): Promise<void>;
  /** Copies the message to the dead-letter queue with the job's error; the caller then acks it. */
  deadLetter(error: JobErrorInfo): Promise<void>;
}
