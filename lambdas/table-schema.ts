/**
 * The job table's key and index names, projections and shard keys, shared by `lib/` (which
 * creates the table), the DynamoDB adapter (which queries it), the local mode (which provisions
 * it) and the planner (which prices it), so they cannot drift. Like `runtime-env.ts`, this file
 * imports nothing: `lib/` may import it.
 *
 * Why the indexes look the way they do (on-demand; DynamoDB's rules): a table write writes an
 * index only when it changes an attribute the index projects or keys; a changed key costs two
 * index writes (delete + put); each index write costs one WRU per started KB of the index entry
 * (projected attributes + keys + ~100 B); and one index key value (one partition) takes about
 * 1,000 writes per second. So both indexes project only what their reader needs (entries stay
 * under 1 KB: 1 WRU), and both spread their key over N shards, N from the stage config.
 */

/** The table's partition key: the job id. */
export const JOB_TABLE_PARTITION_KEY = 'id';

/**
 * `ByOwner`: a caller's jobs, newest first, for `GET /jobs`.
 *
 * Key: `ownerShard` = `<owner>#<n>`, n = FNV-1a(id) mod `ownerShards`, and `createdKey` =
 * `<createdAt>#<id>` (ISO timestamps are fixed-width, so the string order is newest first by
 * time, then by id: one total order that every shard and the in-memory store share, with no
 * ties for a cursor to fall between). A listing queries every shard and merges them.
 *
 * Projection INCLUDE {@link BY_OWNER_PROJECTION}: only attributes that never change after
 * submit, so the index is written exactly once per job (the submit's put: 1 WRU, entry ~370 B);
 * claims, outcomes and lease renewals change no attribute it keys or projects. A listing reads a
 * page of entries per shard, then the summary's {@link BY_OWNER_LIVE_ATTRIBUTES} from the table
 * (BatchGetItem, eventually consistent), and filters status and expiry there; `name` stays a
 * FilterExpression on the index. (Projecting the summary, as before, wrote the index at submit,
 * claim and outcome: 3 WRU per job; projection ALL wrote it on every table write.)
 *
 * Capacity: one caller (one IAM role submits everything, the common case) writes 1 WRU per job
 * into its shards: 1 shard carries ~1,000 jobs/s (~60,000 jobs/min, ~40,000 with the planner's
 * 1.5x headroom); 16 carry ~16,000 jobs/s (~960,000 jobs/min, ~640,000 with headroom); the 64 a
 * stage may set, ~2.5 million jobs/min with headroom.
 */
export const BY_OWNER_INDEX = {
  indexName: 'ByOwner',
  partitionKey: 'ownerShard',
  sortKey: 'createdKey',
} as const;

/** Non-key attributes `ByOwner` projects: the summary's immutable fields (name also filters). */
export const BY_OWNER_PROJECTION = ['name', 'createdAt'] as const;

/**
 * The summary's attributes that change after submit (claim, outcome, retry, requeue): a listing
 * reads them from the table, not the index, so that they never cost an index write.
 */
export const BY_OWNER_LIVE_ATTRIBUTES = ['status', 'startedAt', 'completedAt', 'expiresAt'] as const;

/**
 * `Active`: a sparse index of the jobs that are not finished, oldest update first, for the
 * recovery sweeper. `activeShard` (`active#<n>`, n = FNV-1a(id) mod `activeShards`) exists only
 * on Queued, Scheduled and InProgress items, so finished jobs drop out of the index by themselves
 * and the sweeper never scans; it queries every shard.
 *
 * Projection INCLUDE {@link ACTIVE_PROJECTION}: enough to tell whether a job may need repair
 * (lease run out, message stale, backoff over). The sweeper reads the full record (strongly
 * consistent GetItem) only for those candidates, then writes conditionally on its version.
 *
 * Sort key `lastUpdatedAt`, which the claim and every lease renewal move (2 index writes of a
 * ~306 B entry each). Kept on purpose: the sweeper reads oldest first under a per-run budget, and
 * only a key that heartbeats refresh keeps healthy running jobs out of the stale range
 * (`lastUpdatedAt < now - lease`). A key that stays put (`createdAt`, or when the state began)
 * would put every healthy long job ahead of a dead one, and a bounded sweep might never reach
 * the dead one. Renewals come every 20 s, so short jobs (the 100,000 jobs/min case: 2 s) have
 * none: per job the index takes put 1 + claim 2 + outcome (delete) 1 = 4 WRU.
 *
 * Capacity: 4 WRU per job: 1 shard carries ~250 jobs/s (~15,000 jobs/min); 32 carry ~8,000
 * jobs/s (~480,000 jobs/min, ~320,000 with 1.5x headroom). All job types share the shards.
 */
export const ACTIVE_INDEX = {
  indexName: 'Active',
  partitionKey: 'activeShard',
  sortKey: 'lastUpdatedAt',
} as const;

/** Non-key attributes `Active` projects: what the sweeper's first look needs. */
export const ACTIVE_PROJECTION = ['name', 'status', 'leaseExpiresAt', 'retryDelayUntil'] as const;

/**
 * How many shards each index key is spread over: a stage setting (`table` in the stage config),
 * passed to every function. Readers query shards 0..N-1, so a count may grow (items written
 * with a smaller N stay reachable) but never shrink.
 */
export interface TableShards {
  /** Shards of the `Active` index (all job types share them). */
  readonly activeShards: number;
  /** Shards of each caller's `ByOwner` partition. */
  readonly ownerShards: number;
}

/** The largest shard count a stage may set: a listing queries every owner shard per page. */
export const MAX_TABLE_SHARDS = { activeShards: 256, ownerShards: 64 } as const;

/**
 * Shards when none are given (tests, the in-memory store): 16 Active shards, the count before
 * it was configurable, so unfinished jobs written by an older deployment stay reachable.
 */
export const DEFAULT_TABLE_SHARDS: TableShards = { activeShards: 16, ownerShards: 1 };

/** The `activeShard` value of shard `n` (0 .. activeShards - 1). */
export function activeShardKey(n: number): string {
  return `active#${n}`;
}

/** The `ownerShard` value of `owner`'s shard `n` (0 .. ownerShards - 1). */
export function ownerShardKey(owner: string, n: number): string {
  return `${owner}#${n}`;
}

/** The `createdKey` of a job: newest first by time, then by id. */
export function createdKeyOf(position: { readonly createdAt: string; readonly id: string }): string {
  return `${position.createdAt}#${position.id}`;
}

/**
 * The shard of a job: FNV-1a (32-bit) of its id, mod `count`. Stable for an id, so every write
 * of a job lands in the same shard; even over random UUIDs and over the hashed ids of
 * idempotency keys alike.
 */
export function shardOf(id: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % count;
}
