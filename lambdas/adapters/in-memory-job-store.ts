import { canClaim } from '../core/claim';
import { JobAlreadyExistsError, JobVersionConflictError } from '../core/errors';
import { isExpired, type Job } from '../core/job';
import { isTerminal } from '../core/job-status';
import { summaryOf } from '../core/job-summary';
import type {
  ClaimRequest,
  ClaimResult,
  HeartbeatRequest,
  JobPage,
  JobStore,
  ListJobsQuery,
  StaleJobPage,
  StaleJobsQuery,
} from '../core/ports';
import { transition } from '../core/transition';
import { createdKeyOf, DEFAULT_TABLE_SHARDS, shardOf, type TableShards } from '../table-schema';
import { decodeCursor, encodeCursor, isAfter, positionOf } from './job-cursor';
import { progressOf, staleJobFromItem } from './job-item';

/**
 * {@link JobStore} in a Map, for unit tests. Same contract as the DynamoDB store (the contract
 * suite runs against both); records are copied in and out so callers cannot alias them.
 */
export class InMemoryJobStore implements JobStore {
  readonly jobs = new Map<string, Job>();
  /** Sharded like the DynamoDB store, so the sweeper's fairness is tested on the same spread. */
  readonly activeShards: number;

  constructor(shards: Pick<TableShards, 'activeShards'> = DEFAULT_TABLE_SHARDS) {
    this.activeShards = shards.activeShards;
  }

  async create(job: Job): Promise<void> {
    const existing = this.jobs.get(job.id);
    if (existing) throw new JobAlreadyExistsError(structuredClone(existing));
    this.jobs.set(job.id, structuredClone(job));
  }

  async get(id: string): Promise<Job | undefined> {
    const job = this.jobs.get(id);
    return job ? structuredClone(job) : undefined;
  }

  /** Inputs are kept as they are. */
  async loadInput(job: Job): Promise<unknown> {
    return job.input;
  }

  async update(next: Job): Promise<void> {
    const current = this.jobs.get(next.id);
    if (!current || current.version !== next.version - 1) {
      throw new JobVersionConflictError(next.id, next.version - 1);
    }
    this.jobs.set(next.id, structuredClone(next));
  }

  async claim(request: ClaimRequest): Promise<ClaimResult> {
    const job = this.jobs.get(request.id);
    if (!job) return { claimed: false };
    if (!canClaim(job, request.now)) return { claimed: false, job: structuredClone(job) };
    const claimed = transition(job, 'InProgress', request.now, {
      attempt: job.attempt + 1,
      leaseOwner: request.leaseOwner,
      leaseExpiresAt: request.leaseExpiresAt.toISOString(),
    });
    this.jobs.set(claimed.id, claimed);
    return { claimed: true, job: structuredClone(claimed) };
  }

  async heartbeat(request: HeartbeatRequest): Promise<Job | undefined> {
    const job = this.jobs.get(request.id);
    if (job?.status !== 'InProgress' || job.leaseOwner !== request.leaseOwner) return undefined;
    const at = request.now.toISOString();
    const renewed: Job = {
      ...job,
      leaseExpiresAt: request.leaseExpiresAt.toISOString(),
      lastUpdatedAt: at,
      ...(request.progress ? { progress: progressOf(request.progress, at) } : {}),
      version: job.version + 1,
    };
    this.jobs.set(renewed.id, renewed);
    return structuredClone(renewed);
  }

  async cancelRequested(id: string): Promise<boolean> {
    return this.jobs.get(id)?.cancelRequestedAt !== undefined;
  }

  /**
   * The ByOwner query in memory: same order (`createdKey` descending), filters, summaries and
   * cursor as the DynamoDB store's merge of its shards (which one partition sorts alike).
   */
  async list(query: ListJobsQuery): Promise<JobPage> {
    const start = query.cursor === undefined ? undefined : createdKeyOf(decodeCursor(query.cursor));
    const matching = [...this.jobs.values()]
      .filter(
        (job) =>
          job.owner === query.owner &&
          (query.name === undefined || job.name === query.name) &&
          (query.status === undefined || job.status === query.status) &&
          !isExpired(job, query.now) &&
          (start === undefined || createdKeyOf(job) < start),
      )
      .sort((a, b) => (createdKeyOf(a) < createdKeyOf(b) ? 1 : -1));
    const items = matching.slice(0, query.limit).map(summaryOf);
    const last = items.at(-1);
    return matching.length > items.length && last
      ? { items, nextCursor: encodeCursor(positionOf(last)) }
      : { items };
  }

  /** One shard of the Active index in memory: unfinished jobs, `(lastUpdatedAt, id)` ascending. */
  async listStale(query: StaleJobsQuery): Promise<StaleJobPage> {
    const start = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const before = query.updatedBefore.toISOString();
    const key = (job: Pick<Job, 'lastUpdatedAt' | 'id'>) => ({ createdAt: job.lastUpdatedAt, id: job.id });
    // "After" in ascending order is "before" in the list's descending order, with roles swapped.
    const matching = [...this.jobs.values()]
      .filter(
        (job) =>
          !isTerminal(job.status) &&
          shardOf(job.id, this.activeShards) === query.shard &&
          job.lastUpdatedAt < before &&
          (start === undefined || isAfter(start, key(job))),
      )
      .sort((a, b) => (isAfter(key(b), key(a)) ? 1 : -1));
    const items = matching.slice(0, query.limit).map((job) => staleJobFromItem({ ...job }));
    const last = items.at(-1);
    return matching.length > items.length && last
      ? { items, nextCursor: encodeCursor(key(last)) }
      : { items };
  }
}
