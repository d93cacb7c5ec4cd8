/**
 * `table.warmThroughput` in the stage config: the read and write rates the job table and each of
 * its indexes can take at once ("pre-warming"), read and checked for `config-table.ts`.
 *
 * Why: a new on-demand table, and each new global secondary index, sustains at first only
 * {@link NEW_ON_DEMAND_THROUGHPUT} (4,000 WRU/s, 12,000 RRU/s); beyond that DynamoDB scales by
 * doubling the previous peak within 30 minutes, so a fresh stage hit at once by the `large`
 * profile's load (17,500 WRU/s on the table for 100,000 jobs/min) throttles. Raising warm
 * throughput removes that ramp. It is billed once, can never be lowered, and an existing stage
 * that has already carried the load is warm by itself: no profile sets it; a stage sets it for
 * a launch or a known spike (the planner prints the entry to set).
 */
import { ACTIVE_INDEX, BY_OWNER_INDEX } from '../lambdas/table-schema';
import type { Problems } from './config-problems';

/** What a new on-demand table or index takes at once (DynamoDB developer guide, warm throughput). */
export const NEW_ON_DEMAND_THROUGHPUT = { writeUnitsPerSecond: 4000, readUnitsPerSecond: 12_000 } as const;

/** The job table's indexes that can be warmed, by their DynamoDB index names. */
export const WARMABLE_INDEXES = [ACTIVE_INDEX.indexName, BY_OWNER_INDEX.indexName] as const;
export type WarmableIndex = (typeof WARMABLE_INDEXES)[number];

/** Warm throughput of the table or of one index: either rate, or both. */
export interface WarmThroughputInput {
  /** Write request units per second it takes at once; at least 4,000. @default DynamoDB's */
  readonly writeUnitsPerSecond?: number;
  /** Read request units per second it takes at once; at least 12,000. @default DynamoDB's */
  readonly readUnitsPerSecond?: number;
}

/** `table.warmThroughput`, as written in cdk.json. */
export interface JobTableWarmThroughput {
  /** The table itself. @default not warmed */
  readonly table?: WarmThroughputInput;
  /** Per index name (`Active`, `ByOwner`). @default none warmed */
  readonly indexes?: Readonly<Partial<Record<WarmableIndex, WarmThroughputInput>>>;
}

const KEYS = ['table', 'indexes'] as const;
const RATE_KEYS = ['writeUnitsPerSecond', 'readUnitsPerSecond'] as const;

/**
 * `table.warmThroughput`, or `undefined` when not set. Rates are integers at or above the
 * on-demand default (below it there is nothing to warm); unknown keys and index names and
 * entries with neither rate are problems.
 */
export function readWarmThroughput(
  p: Problems,
  tableRaw: Record<string, unknown>,
): JobTableWarmThroughput | undefined {
  if (tableRaw.warmThroughput === undefined) return undefined;
  const at = 'table.warmThroughput';
  const raw = p.obj(tableRaw, 'warmThroughput');
  p.unknownKeys(raw, KEYS, at);
  const table = readEntry(p, raw, 'table', at);
  const indexesRaw = p.obj(raw, 'indexes');
  p.unknownKeys(indexesRaw, WARMABLE_INDEXES, `${at}.indexes`);
  const indexes: Partial<Record<WarmableIndex, WarmThroughputInput>> = {};
  for (const name of WARMABLE_INDEXES) {
    const entry = readEntry(p, indexesRaw, name, `${at}.indexes`);
    if (entry) indexes[name] = entry;
  }
  return {
    ...(table ? { table } : {}),
    ...(Object.keys(indexes).length > 0 ? { indexes } : {}),
  };
}

function readEntry(
  p: Problems,
  parent: Record<string, unknown>,
  key: string,
  parentAt: string,
): WarmThroughputInput | undefined {
  if (parent[key] === undefined) return undefined;
  const at = `${parentAt}.${key}`;
  const raw = p.obj(parent, key);
  p.unknownKeys(raw, RATE_KEYS, at);
  if (!RATE_KEYS.some((k) => raw[k] !== undefined)) {
    p.add(`${at} must set writeUnitsPerSecond, readUnitsPerSecond or both`);
    return undefined;
  }
  const entry: { writeUnitsPerSecond?: number; readUnitsPerSecond?: number } = {};
  for (const rate of RATE_KEYS) {
    if (raw[rate] === undefined) continue;
    const min = NEW_ON_DEMAND_THROUGHPUT[rate];
    entry[rate] = p.num(raw, rate, min, {
      integer: true,
      min,
      at,
      why: `(a new on-demand table or index already takes ${min.toLocaleString('en-US')}: below that there is nothing to warm)`,
    });
  }
  return entry;
}
