/**
 * DynamoDB warm throughput: what a NEW job table and each new index take at once (4,000 WRU/s,
 * 12,000 RRU/s on demand) against what the plan needs. Past it, DynamoDB scales by doubling the
 * previous peak within 30 minutes, so a fresh stage hit at once by the full load throttles; the
 * fix is a stage setting, `table.warmThroughput`, which this check prints ready to paste.
 */
import { ACTIVE_INDEX, BY_OWNER_INDEX } from '../lambdas/table-schema';
import type { JobTableWarmThroughput, WarmThroughputInput } from '../lib/config-warm-throughput';
import { AWS_LIMITS } from './limits';
import type { QuotaCheck } from './quotas';
import { count } from './units';

/** What the plan needs per second, with headroom: table writes and reads, index writes. */
export interface WarmThroughputNeeds {
  readonly tableWru: number;
  readonly tableRru: number;
  readonly activeWru: number;
  readonly byOwnerWru: number;
}

/** Warm throughput is set in round figures: the need rounded up to the next 1,000. */
const STEP = 1000;
type Rates = { -readonly [K in keyof WarmThroughputInput]: number };

/** One check per rate: the table's writes and reads, then each index's writes. */
export function warmThroughputChecks(needs: WarmThroughputNeeds): QuotaCheck[] {
  const wru = AWS_LIMITS.dynamoNewWru;
  const rru = AWS_LIMITS.dynamoNewRru;
  const rates = [
    { where: 'the table', rate: 'writeUnitsPerSecond', needed: needs.tableWru, limit: wru, unit: 'WRU/s' },
    { where: 'the table', rate: 'readUnitsPerSecond', needed: needs.tableRru, limit: rru, unit: 'RRU/s' },
    {
      where: `the ${ACTIVE_INDEX.indexName} index`,
      index: ACTIVE_INDEX.indexName,
      rate: 'writeUnitsPerSecond',
      needed: needs.activeWru,
      limit: wru,
      unit: 'WRU/s',
    },
    {
      where: `the ${BY_OWNER_INDEX.indexName} index`,
      index: BY_OWNER_INDEX.indexName,
      rate: 'writeUnitsPerSecond',
      needed: needs.byOwnerWru,
      limit: wru,
      unit: 'WRU/s',
    },
  ] as const;

  // One entry for everything that needs warming, so every `raise` prints the same paste.
  const table: Rates = {};
  const indexes: Record<string, Rates> = {};
  for (const r of rates) {
    if (r.needed <= r.limit) continue;
    const value = Math.ceil(r.needed / STEP) * STEP;
    if ('index' in r) indexes[r.index] = { ...indexes[r.index], [r.rate]: value };
    else table[r.rate] = value;
  }
  const entry: JobTableWarmThroughput = {
    ...(Object.keys(table).length > 0 ? { table } : {}),
    ...(Object.keys(indexes).length > 0 ? { indexes } : {}),
  };

  return rates.map((r) => {
    const fits = r.needed <= r.limit;
    const kind = r.rate === 'writeUnitsPerSecond' ? 'writes' : 'reads';
    return {
      name: `DynamoDB warm throughput: ${r.where}'s ${kind} on a new stage`,
      limit: r.limit,
      needed: r.needed,
      unit: r.unit,
      status: fits ? 'ok' : 'raise',
      advice: fits
        ? `fits what a new on-demand ${'index' in r ? 'index' : 'table'} takes at once`
        : `a new on-demand ${'index' in r ? 'index' : 'table'} takes ${count(r.limit)} ${r.unit} at once, beyond that up to twice its previous peak (more than that within 30 min throttles): before a launch at this rate set asyncEndpoints.table.warmThroughput to ${JSON.stringify(entry)} (billed once, never lowered); an existing stage that has already carried this load is warm by itself`,
    };
  });
}
