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
