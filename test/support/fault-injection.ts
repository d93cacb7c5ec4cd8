/**
 * Fault injection for the local system: SDK clients with middleware that fails some calls, a
 * processor wrapper that kills or duplicates invocations, and job types that count their
 * executions. Everything is off until `faults.enabled` is set, and counts what it injected.
 */
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { JobTypeDefinition } from '../../lambdas/core/job-type';
import { LOCAL_AWS } from '../../local/emulators/types';
import type { LocalProcessor } from '../../local/local-system';

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
function seeded(seed: number): () => number {
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
  /** Successful writes of a Completed record, per job id: results recorded. */
  readonly completedWrites = new Map<string, number>();
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
    if (!this.enabled || this.random() >= share) return false;
    this.injected[kind] += 1;
    return true;
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
      const result = await next(args);
      if (item && status === 'Completed')
        faults.completedWrites.set(id, (faults.completedWrites.get(id) ?? 0) + 1);
      return result;
    },
    { step: 'build', name: 'injectDynamoDbFaults' },
  );
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
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
 * then the invocation throws: nothing is deleted, the second half never ran) and some are
 * delivered twice at once. The two deliveries share the message, so a record is deleted if
 * either of them acknowledged it, as two Lambda invocations deleting by their receipt handles.
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
    return processor(event, context);
  };
}

/** The job types with handlers that count, per job id, the executions that returned a result. */
export function countingJobTypes(types: readonly JobTypeDefinition[], faults: Faults): JobTypeDefinition[] {
  return types.map((type) => ({
    ...type,
    handler: async (input, context) => {
      const result = await type.handler(input, context);
      faults.resultsReturned.set(context.jobId, (faults.resultsReturned.get(context.jobId) ?? 0) + 1);
      return result;
    },
  }));
}
