/**
 * One phase of the requests benchmark folded into per-job figures, and the usage the cost model
 * prices from them (`bench/requests-per-job.ts`).
 */
import type { LocalProcessor } from '../../local/local-system';
import { AWS_DURATION_ASSUMPTIONS, type PlatformUsage } from './cost-model';
import { type RequestCounts, total } from './request-counter';
import { median, round } from './stats';

/** JobApi's default memory for the API functions, MiB. */
const SUBMIT_MEMORY_MIB = 256;
/** Batch size the targets amortise receives and deletes over. */
export const FULL_BATCH = 10;

/** Per-job view of one outcome's counts. */
export interface PhaseFigures {
  readonly jobs: number;
  /** "Service.Operation" -> billed requests per job (empty receives left out). */
  readonly requestsPerJob: Record<string, number>;
  /** Billed data-plane requests per job, with the local event source's batches as they came. */
  readonly measuredPerJob: number;
  /** The same with the event source's receives and deletes at full batches of 10. */
  readonly atFullBatchesPerJob: number;
  readonly emptyReceives: number;
  readonly deliveriesPerJob: number;
  readonly messagesPerReceive: number;
  readonly writeUnitsPerJob: number;
  /** The part of the write units spent on the table's global secondary indexes. */
  readonly indexWriteUnitsPerJob: number;
  readonly readUnitsPerJob: number;
  /** "Service.Operation" -> capacity units per job. */
  readonly unitsPerJob: Record<string, number>;
  readonly sdkRetries: number;
  readonly processorInvocationsPerJob: number;
  /** Local medians (emulators on a loaded machine): reported, not priced. */
  readonly processorMsMedian: number;
  readonly submitMsMedian: number;
}

export interface Invocation {
  readonly ms: number;
  readonly records: number;
}

/** Logs each invocation's duration and size into the array `log()` returns at that moment. */
export function timed(log: () => Invocation[], processor: LocalProcessor): LocalProcessor {
  return async (event, context) => {
    const t0 = performance.now();
    try {
      return await processor(event, context);
    } finally {
      log().push({ ms: performance.now() - t0, records: event.Records.length });
    }
  };
}

/** Folds one phase's counts into per-job figures. `sources` are the event-source components. */
export function figuresOf(
  counts: RequestCounts,
  jobs: number,
  sources: ReadonlySet<string>,
  invocations: readonly Invocation[],
  submitMs: readonly number[],
): PhaseFigures {
  const requestsPerJob: Record<string, number> = {};
  const unitsPerJob: Record<string, number> = {};
  let emptyReceives = 0;
  let messages = 0;
  let sourceReceives = 0;
  let sourceDeletes = 0;
  for (const [component, byOperation] of Object.entries(counts)) {
    for (const [operation, count] of Object.entries(byOperation)) {
      const billed = operation === 'SQS.ReceiveMessage' ? count.attempts - count.empty : count.attempts;
      if (operation === 'SQS.ReceiveMessage') {
        emptyReceives += count.empty;
        if (sources.has(component)) {
          messages += count.messages;
          sourceReceives += billed;
        }
      }
      if (sources.has(component) && operation === 'SQS.DeleteMessageBatch') sourceDeletes += billed;
      requestsPerJob[operation] = (requestsPerJob[operation] ?? 0) + billed / jobs;
      if (count.capacityUnits > 0) {
        unitsPerJob[operation] = round((unitsPerJob[operation] ?? 0) + count.capacityUnits / jobs, 3);
      }
    }
  }
  const measured = Object.values(requestsPerJob).reduce((sum, value) => sum + value, 0);
  const fullBatchReceivesAndDeletes = (messages + jobs) / FULL_BATCH;
  const isWrite = (_: string, op: string) =>
    /PutItem|UpdateItem|DeleteItem|BatchWrite|TransactWrite/.test(op);
  const isRead = (_: string, op: string) => /GetItem|Query|Scan|BatchGet|TransactGet/.test(op);
  return {
    jobs,
    requestsPerJob: Object.fromEntries(Object.entries(requestsPerJob).map(([op, v]) => [op, round(v, 3)])),
    measuredPerJob: round(measured, 3),
    atFullBatchesPerJob: round(
      measured + (fullBatchReceivesAndDeletes - sourceReceives - sourceDeletes) / jobs,
      3,
    ),
    emptyReceives,
    deliveriesPerJob: round(messages / jobs, 3),
    messagesPerReceive: round(messages / Math.max(1, sourceReceives), 2),
    writeUnitsPerJob: round(total(counts, 'capacityUnits', isWrite) / jobs, 3),
    indexWriteUnitsPerJob: round(total(counts, 'indexCapacityUnits', isWrite) / jobs, 3),
    unitsPerJob,
    readUnitsPerJob: round(total(counts, 'capacityUnits', isRead) / jobs, 3),
    sdkRetries: total(counts, 'attempts') - total(counts, 'calls'),
    processorInvocationsPerJob: round(invocations.length / jobs, 3),
    processorMsMedian: round(median(invocations.map((i) => i.ms)), 1),
    submitMsMedian: round(median(submitMs), 1),
  };
}

/** Usage for the cost model; `fullBatches` amortises receives, deletes and invocations at 10. */
export function usageOf(f: PhaseFigures, processorMemoryMiB: number, fullBatches: boolean): PlatformUsage {
  const sqs = Object.entries(f.requestsPerJob)
    .filter(([op]) => op.startsWith('SQS.'))
    .reduce((sum, [, v]) => sum + v, 0);
  const measuredSourceShare = f.measuredPerJob - f.atFullBatchesPerJob;
  return {
    apiRequests: 1,
    submitInvocations: 1,
    submitMs: AWS_DURATION_ASSUMPTIONS.submitMs,
    submitMemoryMiB: SUBMIT_MEMORY_MIB,
    sqsRequests: fullBatches ? sqs - measuredSourceShare : sqs,
    dynamoDbWriteUnits: f.writeUnitsPerJob,
    dynamoDbReadUnits: f.readUnitsPerJob,
    processorInvocations: fullBatches ? f.deliveriesPerJob / FULL_BATCH : f.processorInvocationsPerJob,
    processorMs: AWS_DURATION_ASSUMPTIONS.processorMsPerBatch,
    processorMemoryMiB,
  };
}
