/**
 * Fault injection for the local system: SDK clients with middleware that fails some calls, a
 * processor wrapper that kills, duplicates or (see worker-deaths.ts) detaches from invocations,
 * and job types that count their executions. Everything is off until `faults.enabled` is set,
 * and counts what it injected. Emulator restarts are scheduled apart (emulator-restarts.ts).
 */
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { JobTypeDefinition } from '../../lambdas/core/job-type';
import { LOCAL_AWS } from '../../local/emulators/types';
import type { LocalProcessor } from '../../local/local-system';
import { WorkerDeaths } from './worker-deaths';

export interface FaultPlan {
  /** Share of processor invocations killed after running the first half of their batch. */
  readonly killInvocation: number;
  /** Share of processor invocations run twice at once with the same records. */
  readonly duplicateInvocation: number;
  /** Share of the submit path's SendMessage calls that fail. */
  readonly failEnqueue: number;
  /** Share of jobs whose first claim (UpdateItem) is throttled. */
  readonly throttleClaim: number;
  /** Share of jobs whose first-attempt outcome write (conditional PutItem) is throttled. */
  readonly throttleOutcome: number;
  /** Share of processor invocations that die as their first job handler starts (a live lease left behind). */
  readonly dieWithLiveLease: number;
}

export type FaultKind =
  | 'processorKilled'
  | 'recordsAbandonedByKill'
  | 'recordsRunButUnacked'
  | 'duplicateInvocation'
  | 'enqueueFailed'
  | 'claimThrottled'
  | 'outcomeThrottled';

/** Thrown by the wrapper of a killed processor. */
export class InjectedFault extends Error {
  constructor(message: string) {
    super(`Injected fault: ${message}`);
    this.name = 'InjectedFault';
  }
}

/** A small seeded PRNG (mulberry32): the same seed draws the same sequence. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The switch, the dice and the tallies shared by every injector. */
export class Faults {
  enabled = false;
  readonly injected: Record<FaultKind, number> = {
    processorKilled: 0,
    recordsAbandonedByKill: 0,
    recordsRunButUnacked: 0,
    duplicateInvocation: 0,
    enqueueFailed: 0,
    claimThrottled: 0,
    outcomeThrottled: 0,
  };
  /** Writes of a Completed record DynamoDB acknowledged, per job id: results surely recorded. */
  readonly completedWrites = new Map<string, number>();
  /**
   * Writes of a Completed record that failed without a clear refusal, per job id: the connection
   * dropped (an emulator restart), or a retry found the condition failed because the first try
   * had been applied after all. Each may or may not have been recorded.
   */
  readonly completedWritesUnacknowledged = new Map<string, number>();
  /** Invocations that die mid-run; see worker-deaths.ts. */
  readonly deaths = new WorkerDeaths();
  /** Handler executions that returned a result, per job id. */
  readonly resultsReturned = new Map<string, number>();
  private readonly random: () => number;

  constructor(
    readonly plan: FaultPlan,
    seed = 42,
  ) {
    this.random = seeded(seed);
  }

  /** True (and counted) when faults are on and the dice say so. */
  roll(share: number, kind: FaultKind): boolean {
    if (!this.chance(share)) return false;
    this.injected[kind] += 1;
    return true;
  }

  /** True when faults are on and the dice say so; counts nothing. */
  chance(share: number): boolean {
    return this.enabled && this.random() < share;
  }
}

type Marshalled = Record<string, unknown>;

/** A scalar from a command input, marshalled (`{ S: 'x' }`) or not. */
function scalar(value: unknown): unknown {
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('S' in v) return v.S;
    if ('N' in v) return Number(v.N);
  }
  return value;
}

const OUTCOME_STATUSES = new Set(['Completed', 'Failed', 'Scheduled']);

/**
 * A document client for the processor: throttles the first claim of some jobs and the first
 * outcome write of some first attempts, and counts successful Completed writes.
 *
 * The middleware sits in the `build` step, before the SDK's retry middleware (finalizeRequest),
 * so the processor itself sees the throttling error, as it would once the SDK gave up. Only
 * first claims and first-attempt outcomes are throttled: the processor then brings the message
 * back after `2^receives` s, and a later receive would wait up to 60 s, past this test's budget.
 */
export function processorDocumentClient(endpoint: string, faults: Faults): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const claimed = new Set<string>();
  const outcomeThrottled = new Set<string>();
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Marshalled;
      const item = input.Item as Marshalled | undefined;
      const key = input.Key as Marshalled | undefined;
      const update = typeof input.UpdateExpression === 'string' ? input.UpdateExpression : '';
      const throttle = (what: string) =>
        new ProvisionedThroughputExceededException({
          message: `Injected: ${what} throttled`,
          $metadata: {},
        });
      if (key && update.includes('attempt = attempt + :one')) {
        const id = String(scalar(key.id));
        const first = !claimed.has(id);
        claimed.add(id);
        if (first && faults.roll(faults.plan.throttleClaim, 'claimThrottled')) throw throttle('claim');
      }
      const status = item ? String(scalar(item.status)) : '';
      const id = item ? String(scalar(item.id)) : '';
      if (item && OUTCOME_STATUSES.has(status) && scalar(item.attempt) === 1 && !outcomeThrottled.has(id)) {
        if (faults.roll(faults.plan.throttleOutcome, 'outcomeThrottled')) {
          outcomeThrottled.add(id);
          throw throttle(`${status} write`);
        }
      }
      if (!item || status !== 'Completed') return next(args);
      try {
        const result = await next(args);
        increment(faults.completedWrites, id);
        return result;
      } catch (error) {
        // A refusal on the first try is a clean "not written"; anything else may have been.
        const refused = (error as Error).name === 'ConditionalCheckFailedException';
        const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
        if (!refused || attempts > 1) increment(faults.completedWritesUnacknowledged, id);
        throw error;
      }
    },
    { step: 'build', name: 'injectDynamoDbFaults' },
  );
  faults.deaths.mute(client as never);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

function increment(counts: Map<string, number>, id: string): void {
  counts.set(id, (counts.get(id) ?? 0) + 1);
}

/** An SQS client for the processor: a dead invocation's calls (deletes, visibility, DLQ copies) are swallowed. */
export function processorSqsClient(endpoint: string, faults: Faults): SQSClient {
  const client = new SQSClient({ ...LOCAL_AWS, endpoint, useQueueUrlAsEndpoint: false });
  return faults.deaths.mute(client as never) as SQSClient;
}

/** An SQS client for the submit path that fails some SendMessage calls before they reach SQS. */
export function submitSqsClient(endpoint: string, faults: Faults): SQSClient {
  const client = new SQSClient({ ...LOCAL_AWS, endpoint, useQueueUrlAsEndpoint: false });
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Marshalled;
      if (typeof input.MessageBody === 'string' && faults.roll(faults.plan.failEnqueue, 'enqueueFailed')) {
        throw new Error('Injected: SendMessage failed');
      }
      return next(args);
    },
    { step: 'build', name: 'injectSqsFaults' },
  );
  return client;
}

function failedIds(settled: PromiseSettledResult<SQSBatchResponse>, event: SQSEvent): Set<string> {
  if (settled.status === 'rejected') return new Set(event.Records.map((r) => r.messageId));
  return new Set(settled.value.batchItemFailures.map((f) => f.itemIdentifier));
}

/**
 * Wraps a processor so that some invocations are killed (the first half of the batch runs,
 * then the invocation throws: nothing is deleted, the second half never ran), some are
 * delivered twice at once, and some die as a job handler starts (see worker-deaths.ts). The two
 * deliveries share the message, so a record is deleted if either of them acknowledged it, as two
 * Lambda invocations deleting by their receipt handles.
 */
export function faultyProcessor(faults: Faults, processor: LocalProcessor): LocalProcessor {
  return async (event, context) => {
    if (faults.roll(faults.plan.killInvocation, 'processorKilled')) {
      const ran = event.Records.slice(0, Math.ceil(event.Records.length / 2));
      faults.injected.recordsRunButUnacked += ran.length;
      faults.injected.recordsAbandonedByKill += event.Records.length - ran.length;
      await processor({ Records: ran }, context).catch(() => {});
      throw new InjectedFault('processor killed mid-batch');
    }
    if (faults.roll(faults.plan.duplicateInvocation, 'duplicateInvocation')) {
      const [a, b] = await Promise.allSettled([processor(event, context), processor(event, context)]);
      const first = failedIds(a, event);
      const second = failedIds(b, event);
      return {
        batchItemFailures: [...first].filter((id) => second.has(id)).map((id) => ({ itemIdentifier: id })),
      };
    }
    const doomed = faults.chance(faults.plan.dieWithLiveLease);
    return faults.deaths.run(doomed, () => processor(event, context));
  };
}

/**
 * The job types with handlers that count, per job id, the executions that returned a result (a
 * dead worker's handler runs on but returns to no one), and that tell the worker deaths when
 * they start.
 */
export function countingJobTypes(types: readonly JobTypeDefinition[], faults: Faults): JobTypeDefinition[] {
  return types.map((type) => ({
    ...type,
    handler: async (input, context) => {
      faults.deaths.handlerStarting(context.jobId);
      const result = await type.handler(input, context);
      if (!faults.deaths.inDeadInvocation) increment(faults.resultsReturned, context.jobId);
      return result;
    },
  }));
}
