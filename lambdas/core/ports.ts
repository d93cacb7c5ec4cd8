/**
 * The ports the use-cases depend on. Adapters under `lambdas/adapters/` implement them for
 * DynamoDB and SQS, and in memory for tests.
 */
import type { Job, JobErrorInfo } from './job';
import type { JobStatus } from './job-status';
import type { JobSummary } from './job-summary';

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
  /** Summaries, not full records. */
  readonly items: JobSummary[];
  /** Opaque position after the last item; absent when nothing follows. */
  readonly nextCursor?: string;
}

/** Unfinished jobs not updated since a time, for the recovery sweeper. */
export interface StaleJobsQuery {
  /** Which shard of the index, 0 .. `JobStore.activeShards - 1`: each is listed on its own. */
  readonly shard: number;
  /** Only jobs whose `lastUpdatedAt` is before this. */
  readonly updatedBefore: Date;
  /** At most this many jobs. */
  readonly limit: number;
  /** Where the previous page stopped: `StaleJobPage.nextCursor`. */
  readonly cursor?: string;
}

/**
 * An unfinished job as the `Active` index shows it: enough to tell whether it may need repair.
 * Possibly behind the record (the index is eventually consistent, and only ever behind): read
 * the record before acting on it.
 */
export type StaleJob = Pick<
  Job,
  'id' | 'name' | 'status' | 'lastUpdatedAt' | 'leaseExpiresAt' | 'retryDelayUntil'
>;

export interface StaleJobPage {
  /** The shard's Queued, Scheduled and InProgress jobs, oldest `lastUpdatedAt` first. */
  readonly items: StaleJob[];
  /** Opaque position after the last item; absent when nothing follows. */
  readonly nextCursor?: string;
}

export interface JobStore {
  /**
   * How many shards the unfinished jobs are spread over (a job's shard follows from its id):
   * `listStale` lists one shard at a time, so no single index partition takes every write.
   */
  readonly activeShards: number;
  /** @throws JobAlreadyExistsError carrying the stored record when the id is taken. */
  create(job: Job): Promise<void>;
  /** Strongly consistent read; expired records are returned as they are. */
  get(id: string): Promise<Job | undefined>;
  /**
   * The job's input as submitted. A store may keep a large input outside the record, and hand
   * out jobs whose `input` is only its reference to it: this opens it. Only the processor needs
   * the input, so only it pays for reading a large one.
   * @throws PermanentJobError (code `INPUT_UNAVAILABLE`) when the stored input is gone for good
   */
  loadInput(job: Job): Promise<unknown>;
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
   * Whether the job's owner asked to cancel it (`cancelRequestedAt` is set): the cheap check a
   * running job makes between lease renewals. Reads that one attribute, eventually consistent
   * (half the cost of {@link get}), so it may miss a request written a moment ago; the next
   * check sees it.
   * @returns false when the record is absent too
   */
  cancelRequested(id: string): Promise<boolean>;
  /**
   * Summaries of the owner's unexpired jobs, newest first (`createdAt` descending, then `id`
   * descending), filtered by name and status. A page may hold fewer than `limit` jobs and still carry a `nextCursor` (a store may
   * bound the work per call); only a page without one is the last.
   * @throws InvalidCursorError when `cursor` is not one this store issued
   */
  list(query: ListJobsQuery): Promise<JobPage>;
  /**
   * One shard's unfinished jobs (Queued, Scheduled, InProgress) last updated before
   * `updatedBefore`, oldest first, from the sparse `Active` index: never a Scan. Like `list`, a
   * page may be short and still carry a cursor (valid only for the same shard).
   * @throws InvalidCursorError when `cursor` is not one this store issued
   */
  listStale(query: StaleJobsQuery): Promise<StaleJobPage>;
}

/** The producer side of a job type's queue. */
export interface JobQueue {
  /** Sends the job's message; resolves only once SQS has stored it. */
  enqueue(job: Pick<Job, 'id' | 'name' | 'priority'>): Promise<void>;
}

/** How many messages wait in one queue of a job type, for admission control. */
export interface BacklogGauge {
  /**
   * Messages waiting to be received (visible plus delayed), possibly a few seconds old.
   * @throws when it cannot be read; submit then admits the job (fails open)
   */
  read(): Promise<number>;
}

/** A job type's dead-letter queue, for writers other than the processor (the sweeper). */
export interface DeadLetterQueue {
  /**
   * Sends the same copy the processor's `Delivery.deadLetter` sends: the job's message with the
   * error as attributes. Send only for a job already recorded Failed.
   */
  send(job: Pick<Job, 'id' | 'name' | 'priority'>, error: JobErrorInfo): Promise<void>;
}

/** Control over one received message, for the processor. */
export interface Delivery {
  readonly jobId: string;
  /** Hides the message for `seconds` (the retry backoff) instead of the queue's default. */
  retryAfter(seconds: number): Promise<void>;
  /** Copies the message to the dead-letter queue with the job's error; the caller then acks it. */
  deadLetter(error: JobErrorInfo): Promise<void>;
}

/** One message received from a job type's dead-letter queue, hidden from other receivers. */
export interface DeadLetter {
  /** What `release` and `remove` act on (an SQS receipt handle). */
  readonly handle: string;
  /** The job the message belongs to; undefined when its body is not a job message. */
  readonly jobId?: string;
  /** When the message was sent to the DLQ, when known. */
  readonly sentAt?: Date;
}

/** The consumer side of one job type's dead-letter queue, for redrive. */
export interface DeadLetterSource {
  /**
   * Receives up to `max` (1..10) messages and hides them long enough for one redrive run.
   * @returns an empty array once nothing is visible
   */
  receive(max: number): Promise<DeadLetter[]>;
  /** Makes a received message visible again, left in the queue. */
  release(handle: string): Promise<void>;
  /** Deletes a received message. */
  remove(handle: string): Promise<void>;
}
