/**
 * Counts every AWS request an SDK v3 client makes, by component, service and operation, with
 * two middlewares: one at `initialize` (one per `send`) and one at `finalizeRequest`, inside the
 * SDK's retry loop (one per HTTP attempt: what AWS bills). A call is counted when it ends, so
 * a long poll that began before a {@link RequestCounter.reset} counts, whole, after it. Empty receives are told apart from
 * receives that returned messages, and DynamoDB calls are asked for their consumed capacity so
 * write and read units can be priced as reported rather than guessed.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type AnyClient = SQSClient | DynamoDBClient | DynamoDBDocumentClient;

/** The little of the SDK's middleware shapes the counter touches. */
type Args = { input: Record<string, unknown> };
type Output = { output: Record<string, unknown> };
type Context = { clientName?: string; commandName?: string };
type Middleware = (
  next: (args: Args) => Promise<Output>,
  context: Context,
) => (args: Args) => Promise<Output>;
interface MiddlewareStack {
  add(middleware: Middleware, options: { step: string; name: string; priority?: string }): void;
}

/** Counts of one component's calls of one operation. */
export interface OperationCount {
  /** `send` calls. */
  calls: number;
  /** HTTP attempts (calls plus SDK retries): the billed requests. */
  attempts: number;
  /** ReceiveMessage only: calls that returned no message. */
  empty: number;
  /** ReceiveMessage only: messages returned. */
  messages: number;
  /** DynamoDB only: capacity units the emulator reported (write or read, by operation). */
  capacityUnits: number;
  /** DynamoDB only: the part of `capacityUnits` spent on global secondary indexes. */
  indexCapacityUnits: number;
  /** DynamoDB only: calls that reported no consumed capacity. */
  unreported: number;
}

/** `component -> "Service.Operation" -> counts`. */
export type RequestCounts = Record<string, Record<string, OperationCount>>;

const SERVICE_OF: Record<string, string> = {
  SQSClient: 'SQS',
  DynamoDBClient: 'DynamoDB',
  DynamoDBDocumentClient: 'DynamoDB',
};

/** Operations that take `ReturnConsumedCapacity`. */
const CAPACITY_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'GetItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactWriteItems',
  'TransactGetItems',
]);

interface ConsumedCapacity {
  readonly CapacityUnits?: number;
  readonly GlobalSecondaryIndexes?: Record<string, { readonly CapacityUnits?: number }>;
}

function emptyCount(): OperationCount {
  return {
    calls: 0,
    attempts: 0,
    empty: 0,
    messages: 0,
    capacityUnits: 0,
    indexCapacityUnits: 0,
    unreported: 0,
  };
}

function operationOf(commandName: unknown): string {
  return String(commandName ?? 'Unknown').replace(/Command$/, '');
}

/** Suffix of a GetItem that reads named attributes only: {@link PROJECTED_GET_ITEM}. */
function projected(operation: string, input: Record<string, unknown>): string {
  return operation === 'GetItem' && input.ProjectionExpression !== undefined ? ' (projected)' : '';
}

/** The key a GetItem of named attributes only is counted under (a running job's cancel check). */
export const PROJECTED_GET_ITEM = 'DynamoDB.GetItem (projected)';

/**
 * Total and index capacity units from a DynamoDB response's `ConsumedCapacity` (an object or a
 * list of them), asked for with `INDEXES`.
 */
function capacityOf(output: {
  ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
}): { total: number; indexes: number } | undefined {
  const consumed = output.ConsumedCapacity;
  if (consumed === undefined) return undefined;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  let total = 0;
  let indexes = 0;
  for (const entry of list) {
    total += entry.CapacityUnits ?? 0;
    for (const index of Object.values(entry.GlobalSecondaryIndexes ?? {}))
      indexes += index.CapacityUnits ?? 0;
  }
  return { total, indexes };
}

/** A tally shared by every client it is attached to. */
export class RequestCounter {
  private counts: RequestCounts = {};

  /**
   * Adds the counting middlewares to `client`, filing its calls under `component`. A document
   * client shares its middleware stack with the client it wraps: attach one of the two, once.
   */
  attach<C extends AnyClient>(client: C, component: string): C {
    const stack = client.middlewareStack as unknown as MiddlewareStack;
    stack.add(
      (next, context) => async (args) => {
        const service = SERVICE_OF[String(context.clientName)] ?? String(context.clientName);
        const operation = operationOf(context.commandName);
        // A read of named attributes only (a running job's cancel check) is filed apart.
        const key = `${service}.${operation}${projected(operation, args.input)}`;
        const wantsCapacity =
          service === 'DynamoDB' &&
          CAPACITY_OPERATIONS.has(operation) &&
          args.input.ReturnConsumedCapacity === undefined;
        const input = wantsCapacity ? { ...args.input, ReturnConsumedCapacity: 'INDEXES' } : args.input;
        let result: Output;
        try {
          result = await next({ ...args, input });
        } finally {
          // Filed when it ends, so a long poll begun before a reset counts after it, whole.
          this.entry(component, key).calls += 1;
        }
        const count = this.entry(component, key);
        if (operation === 'ReceiveMessage') {
          const messages = (result.output.Messages as unknown[] | undefined)?.length ?? 0;
          count.messages += messages;
          if (messages === 0) count.empty += 1;
        }
        if (service === 'DynamoDB' && CAPACITY_OPERATIONS.has(operation)) {
          const units = capacityOf(result.output);
          if (units === undefined) count.unreported += 1;
          else {
            count.capacityUnits += units.total;
            count.indexCapacityUnits += units.indexes;
          }
        }
        if (wantsCapacity) delete result.output.ConsumedCapacity;
        return result;
      },
      { step: 'initialize', name: `benchCountCalls-${component}`, priority: 'high' },
    );
    stack.add(
      (next, context) => async (args) => {
        const service = SERVICE_OF[String(context.clientName)] ?? String(context.clientName);
        const operation = operationOf(context.commandName);
        try {
          return await next(args);
        } finally {
          this.entry(component, `${service}.${operation}${projected(operation, args.input)}`).attempts += 1;
        }
      },
      { step: 'finalizeRequest', name: `benchCountAttempts-${component}` },
    );
    return client;
  }

  /** A deep copy of the counts so far. */
  snapshot(): RequestCounts {
    return structuredClone(this.counts);
  }

  /** Clears every count (the middlewares stay attached). */
  reset(): void {
    this.counts = {};
  }

  private entry(component: string, operation: string): OperationCount {
    this.counts[component] ??= {};
    const byOperation = this.counts[component];
    byOperation[operation] ??= emptyCount();
    return byOperation[operation];
  }
}

/** Sum of one field over every component and operation that `select` keeps. */
export function total(
  counts: RequestCounts,
  field: keyof OperationCount,
  select: (component: string, operation: string) => boolean = () => true,
): number {
  let sum = 0;
  for (const [component, byOperation] of Object.entries(counts)) {
    for (const [operation, count] of Object.entries(byOperation)) {
      if (select(component, operation)) sum += count[field];
    }
  }
  return sum;
}
