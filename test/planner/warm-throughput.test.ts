import { describe, expect, it } from 'vitest';
import { plan } from '../../planner/plan';
import { warmThroughputChecks } from '../../planner/warm-throughput-checks';

/*
 * Hand-computed from plan.test.ts's 2 s jobs with 1 KB in and out: per job the table takes
 * 7 WRU, Active 4, ByOwner 1, and 2 polls of 1 RRU; everything x 1.5 headroom.
 * A new on-demand table or index takes 4,000 WRU/s and 12,000 RRU/s at once.
 */
const twoSecondJobs = (ratePerMinute: number) =>
  plan({ ratePerMinute, durationSeconds: 2, payloadBytes: 1024, resultBytes: 1024 });

const warm = (ratePerMinute: number) =>
  twoSecondJobs(ratePerMinute).quotas.filter((q) => q.name.startsWith('DynamoDB warm throughput'));

describe('DynamoDB warm throughput checks', () => {
  it('fits a new table and indexes at 1,000 jobs/min', () => {
    // 16.67 jobs/s: table 175 WRU/s and 50 RRU/s, Active 100, ByOwner 25.
    expect(warm(1000).map((q) => [q.needed, q.limit, q.status])).toEqual([
      [175, 4000, 'ok'],
      [50, 12_000, 'ok'],
      [100, 4000, 'ok'],
      [25, 4000, 'ok'],
    ]);
  });

  it('asks to warm the table and Active, not the reads or ByOwner, at 100,000 jobs/min', () => {
    // 1,666.67 jobs/s: table 17,500 WRU/s and 5,000 RRU/s, Active 10,000, ByOwner 2,500.
    const checks = warm(100_000);
    expect(checks.map((q) => [q.name, q.needed, q.limit, q.unit, q.status])).toEqual([
      ["DynamoDB warm throughput: the table's writes on a new stage", 17_500, 4000, 'WRU/s', 'raise'],
      ["DynamoDB warm throughput: the table's reads on a new stage", 5000, 12_000, 'RRU/s', 'ok'],
      ["DynamoDB warm throughput: the Active index's writes on a new stage", 10_000, 4000, 'WRU/s', 'raise'],
      ["DynamoDB warm throughput: the ByOwner index's writes on a new stage", 2500, 4000, 'WRU/s', 'ok'],
    ]);
    // Rounded up to the next 1,000; the reads and ByOwner fit, so the entry leaves them out.
    const entry =
      '{"table":{"writeUnitsPerSecond":18000},"indexes":{"Active":{"writeUnitsPerSecond":10000}}}';
    for (const q of checks.filter((c) => c.status === 'raise')) {
      expect(q.advice).toContain(`set asyncEndpoints.table.warmThroughput to ${entry}`);
      expect(q.advice).toMatch(/an existing stage that has already carried this load is warm by itself/);
    }
  });

  it('adds the reads to the entry when they exceed 12,000 RRU/s', () => {
    // 1,000,000 jobs/min: 16,666.67 jobs/s x 2 polls x 1.5 = 50,000 RRU/s.
    const reads = warm(1_000_000)[1];
    expect(reads).toMatchObject({ needed: 50_000, limit: 12_000, status: 'raise' });
    expect(reads?.advice).toContain('"table":{"writeUnitsPerSecond":175000,"readUnitsPerSecond":50000}');
  });

  it('fits exactly at the starting values and rounds 1 unit above up to the next 1,000', () => {
    const [table, reads, active, byOwner] = warmThroughputChecks({
      tableWru: 4000,
      tableRru: 12_001,
      activeWru: 4001,
      byOwnerWru: 1,
    });
    expect([table?.status, reads?.status, active?.status, byOwner?.status]).toEqual([
      'ok',
      'raise',
      'raise',
      'ok',
    ]);
    expect(reads?.advice).toContain(
      '{"table":{"readUnitsPerSecond":13000},"indexes":{"Active":{"writeUnitsPerSecond":5000}}}',
    );
  });
});
