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
 * One constant shard value: every active job shares one index partition, which holds about
 * 1,000 writes per second (each write of an active job writes the index too). Past that, shard
 * it: `activeShard = "active#" + hash(id) % N`, and let the sweeper query the N partitions.
 */
export const ACTIVE_INDEX = {
  indexName: 'Active',
  partitionKey: 'activeShard',
  sortKey: 'lastUpdatedAt',
} as const;

/** The one `activeShard` value while a job is not terminal. */
export const ACTIVE_SHARD = 'active';
