/**
 * The job table's key and index names, shared by `lib/` (which creates the table), the DynamoDB
 * adapter (which queries it) and the local mode (which provisions it), so they cannot drift.
 * Like `runtime-env.ts`, this file imports nothing: `lib/` may import it.
 */

/** The table's partition key: the job id. */
export const JOB_TABLE_PARTITION_KEY = 'id';

/**
 * `ByOwner`: a caller's jobs, newest first (`ScanIndexForward: false`). ISO timestamps sort as
 * strings. Projection ALL, because a listed job is the same full view `GET /jobs/{id}` returns.
 */
export const BY_OWNER_INDEX = {
  indexName: 'ByOwner',
  partitionKey: 'owner',
  sortKey: 'createdAt',
} as const;

/**
 * `Active`: a sparse index of the jobs that are not finished, oldest update first, for the
 * recovery sweeper. `activeShard` exists only on Queued, Scheduled and InProgress items, so
 * finished jobs drop out of the index by themselves and the sweeper never scans.
 *
 * Sharded: `activeShard` is `active#<n>`, n = FNV-1a(id) mod {@link ACTIVE_SHARDS}, and the
 * sweeper queries every shard. One index partition takes about 1,000 writes per second, and
 * every write of an unfinished job writes the index too (projection ALL: one WCU per KB of
 * item): submit, claim and the final write (which removes the entry) make ~3 per job, plus one
 * per heartbeat or retry. One partition caps at ~330 jobs/s (~20,000 jobs/min); 16 shards take
 * ~16,000 writes/s, ~5,300 jobs/s (~320,000 jobs/min of small jobs), above the 100,000
 * jobs/min per job type (~1,700 jobs/s, ~5,000 index writes/s) the design targets, with 3x
 * headroom for heartbeats and retries.
 */
export const ACTIVE_INDEX = {
  indexName: 'Active',
  partitionKey: 'activeShard',
  sortKey: 'lastUpdatedAt',
} as const;

/** How many partitions the `Active` index is split into (see {@link ACTIVE_INDEX}). */
export const ACTIVE_SHARDS = 16;

/** The `activeShard` value of shard `n` (0 .. ACTIVE_SHARDS - 1). */
export function activeShardKey(n: number): string {
  return `active#${n}`;
}
