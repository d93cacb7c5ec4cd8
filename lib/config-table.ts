/**
 * The `table` part of the stage config: how many shards each job-table index key is spread over
 * (see `lambdas/table-schema.ts`) and, optionally, its warm throughput, read and checked for
 * `config.ts` with the same violation collector.
 */
import { MAX_TABLE_SHARDS, type TableShards } from '../lambdas/table-schema';
import type { Problems } from './config-problems';
import { type JobTableWarmThroughput, readWarmThroughput } from './config-warm-throughput';

/** Shard counts and warm throughput of the job table, as written in cdk.json. */
export interface TableInput {
  /**
   * Shards of the sparse `Active` index (unfinished jobs of every job type; 4 WRU per job, one
   * shard takes ~1,000 WRU/s). The sweeper queries each. May grow, never shrink: readers query
   * shards 0..N-1, so items written with a smaller N stay reachable.
   * @default the profile's: 16 (small, medium), 32 (large)
   */
  readonly activeShards?: number;
  /**
   * Shards of each caller's `ByOwner` partition (1 WRU per job; matters when one caller submits
   * most jobs). `GET /jobs` queries each per page. May grow, never shrink.
   * @default the profile's: 1 (small), 2 (medium), 16 (large)
   */
  readonly ownerShards?: number;
  /**
   * Read and write rates the table and its indexes take at once, for a new stage's launch or a
   * known spike (see `config-warm-throughput.ts`). Billed once; DynamoDB never lowers it.
   * @default not set: DynamoDB's 4,000 WRU/s and 12,000 RRU/s for a new table or index
   */
  readonly warmThroughput?: JobTableWarmThroughput;
}

/** The resolved `table`: shard counts, and warm throughput when the stage sets it. */
export interface TableConfig extends TableShards {
  readonly warmThroughput?: JobTableWarmThroughput;
}

const SHARD_KEYS = ['activeShards', 'ownerShards'] as const;
const KEYS = [...SHARD_KEYS, 'warmThroughput'] as const;

/** `table`: the profile's shard counts with the stage's overrides, integers in 1..max. */
export function readTable(p: Problems, raw: Record<string, unknown>, defaults: TableShards): TableConfig {
  const tableRaw = p.obj(raw, 'table');
  p.unknownKeys(tableRaw, KEYS, 'table');
  const warmThroughput = readWarmThroughput(p, tableRaw);
  const read = (key: (typeof SHARD_KEYS)[number]) =>
    p.num(tableRaw, key, defaults[key], {
      integer: true,
      min: 1,
      max: MAX_TABLE_SHARDS[key],
      at: 'table',
      why: '(a shard count; it may grow between deployments but never shrink)',
    });
  return {
    activeShards: read('activeShards'),
    ownerShards: read('ownerShards'),
    ...(warmThroughput ? { warmThroughput } : {}),
  };
}
