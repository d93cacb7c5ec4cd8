/**
 * Records every AWS call the local system's components make, per function: service, operation,
 * the resource it names (in the stack's terms: the table or an index, a job type's queue or DLQ
 * in a lane, the payload bucket and a key pattern) and what IAM condition keys read from it.
 * The permission contract (`test/permissions`) checks each record against the synthesized
 * template's policies, and lists the grants no record used.
 *
 * An SDK v3 `initialize` middleware on each component's own clients, added by the local wiring
 * only: the Lambda bundles never load this file, so recording costs nothing on AWS.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Provisioned, ProvisionedLane } from './provision';

/** Environment variable naming the directory records are written to (the vitest config sets it). */
export const RECORD_CALLS_ENV = 'ASYNC_ENDPOINTS_RECORD_CALLS';

/** A lane of a job type: its normal queue or its high-priority one. */
export type QueueLane = 'normal' | 'high';

/** What a recorded call named, in the stack's terms rather than local URLs. */
export type CallResource =
  /** The job table, or one of its indexes. */
  | { readonly kind: 'table'; readonly index?: string }
  /** A job type's queue (`deadLetter: false`) or DLQ in one lane. */
  | {
      readonly kind: 'queue';
      readonly jobType: string;
      readonly lane: QueueLane;
      readonly deadLetter: boolean;
    }
  /** An object of the payload bucket; ids and hashes in the key become `{id}` and `{sha256}`. */
  | { readonly kind: 'bucket'; readonly keyPattern: string }
  /** Anything the local system did not provision (the permission contract fails on it). */
  | { readonly kind: 'unknown'; readonly name: string };

/** One distinct call of one function; identical calls are counted, not repeated. */
export interface RecordedCall {
  /** The component that made it (`submit`, `processor`, `event-source`, ...). */
  readonly function: string;
  /** The job type, for processors and event sources. */
  readonly jobType?: string;
  /** `dynamodb`, `sqs` or `s3` (any other client: its name, lower case). */
  readonly service: string;
  /** The SDK operation, e.g. `UpdateItem`, `SendMessageBatch`, `GetObject`. */
  readonly operation: string;
  readonly resource: CallResource;
  /** A presigned request (`getSignedUrl`): signed by this function, sent later by someone else. */
  readonly presigned?: true;
  /** `TransactWriteItems`/`TransactGetItems` only: the item's kind (`Put`, `Update`, ...). */
  readonly item?: string;
  /** Top-level attributes a read projects (`ProjectionExpression`): `dynamodb:Attributes`. */
  readonly attributes?: readonly string[];
  /** The request's `Select`: `dynamodb:Select`. */
  readonly select?: string;
  /** How many times this call was made. */
  readonly calls: number;
}

/** Who makes the calls of one client. */
export interface CallSite {
  readonly function: string;
  readonly jobType?: string;
}

/** How the recorder turns local names into the stack's. */
export interface ResourceNames {
  readonly tableName: string;
  readonly bucket: string;
  /** Queue name (last segment of its URL) -> its job type, lane and role. */
  readonly queues: ReadonlyMap<string, { jobType: string; lane: QueueLane; deadLetter: boolean }>;
}

/** The little of an SDK client's middleware stack the recorder touches. */
interface MiddlewareStack {
  add(
    middleware: (
      next: (args: { input: unknown }) => Promise<{ output: unknown }>,
      context: { clientName?: string; commandName?: string },
    ) => (args: { input: unknown }) => Promise<{ output: unknown }>,
    options: { step: 'initialize'; name: string },
  ): void;
}

type Input = Record<string, unknown>;
type Call = Omit<RecordedCall, 'calls' | 'function' | 'jobType' | 'service' | 'operation'>;

const SERVICES: Record<string, string> = { DynamoDBClient: 'dynamodb', SQSClient: 'sqs', S3Client: 's3' };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const SHA256_HEX = /\b[0-9a-f]{64}\b/gi;
let filesWritten = 0;

/** Collects the calls of every client attached to it, deduplicated, and writes them out once. */
export class CallRecorder {
  private readonly calls = new Map<string, { call: Omit<RecordedCall, 'calls'>; calls: number }>();
  /** Middleware stacks already attached, with their site: a client two components share is refused. */
  private readonly attached = new WeakMap<object, CallSite>();
  private flushed = false;
  private readonly onExit = () => this.flush();

  /**
   * @param names how local tables, queues and buckets map to the stack's
   * @param dir where {@link flush} writes; written at process exit too, if the system never stopped
   */
  constructor(
    private readonly names: ResourceNames,
    private readonly dir: string,
  ) {
    process.on('exit', this.onExit);
  }

  /**
   * Files every call `client` makes under `site`. A document client shares its stack with the
   * client it wraps: attach one of the two.
   * @throws Error when the client is already attached for another site: two components sharing
   *   one client could not be told apart
   */
  attach(client: { readonly middlewareStack: object }, site: CallSite): void {
    const stack = client.middlewareStack as MiddlewareStack;
    const earlier = this.attached.get(stack);
    if (earlier) {
      throw new Error(
        `One SDK client was given to both ${label(earlier)} and ${label(site)}: give each component its own ` +
          'client, so the call recorder can tell which function made each call',
      );
    }
    this.attached.set(stack, site);
    stack.add(
      (next, context) => async (args) => {
        let presigned = false;
        try {
          const result = await next(args);
          // getSignedUrl runs the client's stack and answers with the URL instead of sending.
          presigned = (result.output as { presigned?: unknown } | undefined)?.presigned !== undefined;
          return result;
        } finally {
          // Failed calls count too: on AWS they needed the permission all the same.
          this.record(site, context, (args.input ?? {}) as Input, presigned);
        }
      },
      { step: 'initialize', name: 'recordAwsCalls' },
    );
  }

  /** The distinct calls so far, with their counts. */
  records(): RecordedCall[] {
    return [...this.calls.values()].map(({ call, calls }) => ({ ...call, calls }));
  }

  /**
   * Writes the records to a new file in the directory (one file per system, so parallel test
   * files never clash). Once only; later calls do nothing.
   * @returns the file written, or undefined when nothing was recorded or it was already written
   */
  flush(): string | undefined {
    if (this.flushed) return undefined;
    this.flushed = true;
    process.off('exit', this.onExit);
    if (this.calls.size === 0) return undefined;
    mkdirSync(this.dir, { recursive: true });
    filesWritten += 1;
    const file = path.join(this.dir, `calls-${process.pid}-${filesWritten}-${Date.now()}.json`);
    writeFileSync(file, `${JSON.stringify({ calls: this.records() }, null, 1)}\n`);
    return file;
  }

  private record(
    site: CallSite,
    context: { clientName?: string; commandName?: string },
    input: Input,
    presigned: boolean,
  ) {
    const clientName = String(context.clientName ?? 'UnknownClient');
    const service = SERVICES[clientName] ?? clientName.replace(/Client$/, '').toLowerCase();
    const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
    const parts =
      service === 'dynamodb'
        ? this.dynamoDbCalls(operation, input)
        : service === 'sqs'
          ? [this.sqsCall(input)]
          : service === 's3'
            ? [this.s3Call(input)]
            : [{ resource: { kind: 'unknown', name: '*' } as const }];
    for (const part of parts) {
      const call: Omit<RecordedCall, 'calls'> = {
        function: site.function,
        ...(site.jobType !== undefined ? { jobType: site.jobType } : {}),
        service,
        operation,
        ...part,
        ...(presigned ? { presigned: true } : {}),
      };
      const key = JSON.stringify(call);
      const entry = this.calls.get(key);
      if (entry) entry.calls += 1;
      else this.calls.set(key, { call, calls: 1 });
    }
  }

  /** One part per table a call names (batch and transaction calls may name several). */
  private dynamoDbCalls(operation: string, input: Input): Call[] {
    if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
      return Object.entries((input.RequestItems ?? {}) as Record<string, Input>).map(([table, request]) => ({
        resource: this.table(table),
        ...projection(request),
      }));
    }
    if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
      return ((input.TransactItems ?? []) as Record<string, Input>[]).flatMap((item) =>
        Object.entries(item).map(([kind, request]) => ({
          resource: this.table(String(request.TableName)),
          item: kind,
          ...projection(request),
        })),
      );
    }
    const index = typeof input.IndexName === 'string' ? input.IndexName : undefined;
    return [
      {
        resource: { ...this.table(String(input.TableName ?? '*')), ...(index ? { index } : {}) },
        ...projection(input),
        ...(typeof input.Select === 'string' ? { select: input.Select } : {}),
      },
    ];
  }

  private table(name: string): CallResource {
    return name === this.names.tableName ? { kind: 'table' } : { kind: 'unknown', name };
  }

  private sqsCall(input: Input): Call {
    const url = typeof input.QueueUrl === 'string' ? input.QueueUrl : undefined;
    if (!url) return { resource: { kind: 'unknown', name: '*' } };
    const name = url.slice(url.lastIndexOf('/') + 1);
    const queue = this.names.queues.get(name);
    return { resource: queue ? { kind: 'queue', ...queue } : { kind: 'unknown', name } };
  }

  private s3Call(input: Input): Call {
    const bucket = String(input.Bucket ?? '*');
    if (bucket !== this.names.bucket) return { resource: { kind: 'unknown', name: bucket } };
    const key = typeof input.Key === 'string' ? input.Key : '';
    return {
      resource: { kind: 'bucket', keyPattern: key.replace(UUID, '{id}').replace(SHA256_HEX, '{sha256}') },
    };
  }
}

/** The call recorder's map from local names to the stack's: one table, one bucket, every lane's queues. */
export function resourceNamesOf(provisioned: Provisioned): ResourceNames {
  const queues = new Map<string, { jobType: string; lane: QueueLane; deadLetter: boolean }>();
  const nameOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);
  for (const [jobType, queue] of Object.entries(provisioned.queues)) {
    const lanes: [QueueLane, ProvisionedLane | undefined][] = [
      ['normal', queue],
      ['high', queue.highPriority],
    ];
    for (const [lane, urls] of lanes) {
      if (!urls) continue;
      queues.set(nameOf(urls.queueUrl), { jobType, lane, deadLetter: false });
      queues.set(nameOf(urls.deadLetterQueueUrl), { jobType, lane, deadLetter: true });
    }
  }
  return { tableName: provisioned.tableName, bucket: provisioned.payloadBucket, queues };
}

/** The top-level attribute names of a request's `ProjectionExpression`, sorted. */
function projection(request: Input): { attributes?: string[] } {
  const expression = request.ProjectionExpression;
  if (typeof expression !== 'string') return {};
  const names = (request.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const attributes = expression.split(',').map((token) => {
    const first = token.trim().split(/[.[]/)[0] ?? '';
    return first.startsWith('#') ? (names[first] ?? first) : first;
  });
  return { attributes: [...new Set(attributes)].sort() };
}

function label(site: CallSite): string {
  return site.jobType ? `${site.function} (${site.jobType})` : site.function;
}
