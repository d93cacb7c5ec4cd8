/**
 * What a running job's cancel checks (reads of its cancel flag between lease renewals) add to
 * its cost, from a phase of the requests benchmark that ran such jobs.
 */
import { AWS_DURATION_ASSUMPTIONS, costPerMillionJobs, type PlatformUsage } from './cost-model';
import type { BenchPrices } from './prices';
import { PROJECTED_GET_ITEM } from './request-counter';
import { type PhaseFigures, usageOf } from './request-phases';
import { round } from './stats';

/** What a running job's cancel checks add, per million jobs. */
export interface CancelCheckCost {
  /** Reads of the cancel flag per job, as counted. */
  readonly checksPerJob: number;
  /** Their read units per job, as the emulator reported them. */
  readonly readUnitsPerJob: number;
  /** Their price, USD per million jobs. */
  readonly usdPerMillionJobs: number;
  /** Of the whole job: platform overhead plus the processor's Lambda time running it. */
  readonly percentOfJobCost: number;
  /** Of the platform overhead alone (the processor priced at its 60 ms per batch, no job time). */
  readonly percentOfPlatformOverhead: number;
  readonly jobCostPerMillion: number;
  readonly platformOverheadPerMillion: number;
}

/**
 * Prices `f`'s cancel checks: the job's cost with and without their read units, at full
 * batches of 10, the processor billed `durationMs` (its records run in parallel) plus the
 * platform's share per batch.
 */
export function cancelCheckCost(
  f: PhaseFigures,
  durationMs: number,
  memoryMiB: number,
  prices: BenchPrices,
): CancelCheckCost {
  const checkUnits = f.unitsPerJob[PROJECTED_GET_ITEM] ?? 0;
  const overhead = usageOf(f, memoryMiB, true);
  const job = { ...overhead, processorMs: durationMs + AWS_DURATION_ASSUMPTIONS.processorMsPerBatch };
  const withoutChecks = (usage: PlatformUsage) =>
    costPerMillionJobs({ ...usage, dynamoDbReadUnits: usage.dynamoDbReadUnits - checkUnits }, prices).total;
  const jobCost = costPerMillionJobs(job, prices).total;
  const overheadCost = costPerMillionJobs(overhead, prices).total;
  const added = jobCost - withoutChecks(job);
  return {
    checksPerJob: round(f.requestsPerJob[PROJECTED_GET_ITEM] ?? 0, 2),
    readUnitsPerJob: round(checkUnits, 2),
    usdPerMillionJobs: round(added, 3),
    percentOfJobCost: round((100 * added) / withoutChecks(job), 2),
    percentOfPlatformOverhead: round((100 * added) / withoutChecks(overhead), 2),
    jobCostPerMillion: round(jobCost, 2),
    platformOverheadPerMillion: round(overheadCost, 2),
  };
}
