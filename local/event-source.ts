/**
 * An emulator of Lambda's SQS event-source mapping (standard queues, ReportBatchItemFailures),
 * driving an exported handler in this process.
 *
 * `maxConcurrency` pollers each run the loop below, so at most that many invocations ever run:
 *
 *   poller:  receive ... receive (window) | invoke handler ........ | delete acked | receive ...
 *            |<- gather <= batchSize ->|   |<- <= functionTimeout ->|
 *
 * What happens to a message follows AWS: acked records are deleted; failed ones are left alone
 * and come back when their visibility timeout ends (or whatever the handler set it to); the
 * queue's own RedrivePolicy moves one to its DLQ after `maxReceiveCount` receives.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext, queueIdentity, readBatchResponse, toSqsRecord } from './event-source-records';

export interface EventSourceOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** Goes into each record's `eventSourceARN`; its Region into `awsRegion`. */
  readonly queueArn: string;
  /** Records per invocation, 1-10,000; gathered 10 per receive until full or the window closes. */
  readonly batchSize: number;
  /**
   * How long to keep gathering once the first message of a batch arrived; 0 invokes as soon as
   * a receive returns messages. Unlike AWS, batches above 10 do not require a window >= 1 s.
   */
  readonly maxBatchingWindowMs: number;
  /** Pollers, hence the most handler invocations ever running at once (MaximumConcurrency). */
  readonly maxConcurrency: number;
  /** The context's `getRemainingTimeInMillis()` counts down from this; past it the batch fails. */
  readonly functionTimeoutMs: number;
  readonly functionName: string;
  /** The function; resolving to nothing means every record succeeded, as with `SQSHandler`. */
  // biome-ignore lint/suspicious/noConfusingVoidType: the result type of aws-lambda's SQSHandler.
  readonly handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;
  /**
   * Told about every {@link EventSourceError}: the handler threw, timed out or answered with an
   * invalid response, or an SQS call failed.
   * @default console.error
   */
  readonly onError?: (error: unknown) => void;
  /**
   * WaitTimeSeconds of each long poll. Short, because stop() lets a receive finish rather than
   * abort it (an aborted receive still takes the next message and hides it), so this bounds stop().
   * @default 1
   */
  readonly pollWaitSeconds?: number;
  /** @default 128 */
  readonly memoryLimitInMB?: number;
}

export interface EventSourceStats {
  /** Handler invocations started. */
  readonly invocations: number;
  /** Invocations that threw, timed out or returned an invalid response (nothing deleted). */
  readonly failedInvocations: number;
  readonly messagesReceived: number;
  readonly messagesDeleted: number;
  /** Records not deleted after an invocation: they come back after their visibility timeout. */
  readonly messagesFailed: number;
  /** Messages received while stopping, made visible again without an invocation. */
  readonly messagesReturned: number;
  /** The most handler invocations seen running at the same time. */
  readonly maxConcurrentInvocations: number;
  /** Handler invocations running now (a timed-out one counts until its promise settles). */
  readonly inFlightInvocations: number;
}

export interface EventSource {
  /**
   * Stops polling, waits for running invocations to finish or time out, then resolves.
   * Messages received but not yet handed to the handler are made visible again. Idempotent.
   */
  stop(): Promise<void>;
  /** A snapshot taken on each read. */
  readonly stats: EventSourceStats;
  /** Pollers running, hence the most invocations at once (the `maxConcurrency` option). */
  readonly pollers: number;
}

export type EventSourcePhase = 'receive' | 'invoke' | 'timeout' | 'response' | 'delete' | 'return';

/** Something went wrong in one step of the event source; `cause` holds the original error. */
export class EventSourceError extends Error {
  constructor(
    message: string,
    readonly functionName: string,
    readonly phase: EventSourcePhase,
    options?: { cause?: unknown },
  ) {
    super(`${functionName}: ${message}`, options);
    this.name = 'EventSourceError';
  }
}

const MAX_RECEIVE = 10;
const MAX_BATCH_SIZE = 10_000;
const MAX_WINDOW_MS = 300_000;
/** Pause between short polls while a sub-second batching window is still open. */
const WINDOW_SHORT_POLL_MS = 50;
/** Pause after a failed SQS call, so a stopped emulator does not become a busy loop. */
const ERROR_BACKOFF_MS = 500;

/**
 * Starts polling `queueUrl` and invoking `handler` the way Lambda's SQS event source does.
 * @throws RangeError naming every out-of-range option
 * @example
 * const source = startEventSource({
 *   client: sqs.client, queueUrl, queueArn, batchSize: 10, maxBatchingWindowMs: 0,
 *   maxConcurrency: 2, functionTimeoutMs: 30_000, functionName: 'echo-processor',
 *   handler: makeProcessorHandler(deps),
 * });
 * await source.stop();
 */
export function startEventSource(options: EventSourceOptions): EventSource {
  checkOptions(options);
  const queue = queueIdentity(options.queueArn);
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const pollWaitSeconds = options.pollWaitSeconds ?? 1;
  const counts = {
    invocations: 0,
    failedInvocations: 0,
    messagesReceived: 0,
    messagesDeleted: 0,
    messagesFailed: 0,
    messagesReturned: 0,
    maxConcurrentInvocations: 0,
    inFlightInvocations: 0,
  };
  let stopping = false;
  let signalStop = () => {};
  const stopped = new Promise<void>((resolve) => {
    signalStop = resolve;
  });
  const fail = (message: string, phase: EventSourcePhase, cause?: unknown) => {
    try {
      onError(
        new EventSourceError(message, options.functionName, phase, cause === undefined ? {} : { cause }),
      );
    } catch {
      // A failing error reporter must not stop the pollers.
    }
  };
  const sleepers = new Set<() => void>();
  /** Waits `ms`, or less if stop() is called. */
  const pause = (ms: number) =>
    stopping
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            sleepers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, ms);
          sleepers.add(wake);
        });

  async function receive(max: number, waitSeconds: number): Promise<Message[]> {
    const { Messages = [] } = await options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: max,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    counts.messagesReceived += Messages.length;
    return Messages;
  }

  /** One batch: a long poll until messages arrive, then more receives while the window is open. */
  async function gather(): Promise<Message[]> {
    const batch = await receive(Math.min(MAX_RECEIVE, options.batchSize), pollWaitSeconds);
    if (batch.length === 0 || options.maxBatchingWindowMs === 0) return batch;
    const closesAt = Date.now() + options.maxBatchingWindowMs;
    while (batch.length < options.batchSize && !stopping) {
      const left = closesAt - Date.now();
      if (left <= 0) break;
      // WaitTimeSeconds is whole seconds: long-poll while a second or more is left, else short-poll.
      const wait = Math.min(pollWaitSeconds, Math.floor(left / 1000));
      let more: Message[];
      try {
        more = await receive(Math.min(MAX_RECEIVE, options.batchSize - batch.length), wait);
      } catch (error) {
        fail('ReceiveMessage failed while gathering a batch; invoking with what arrived', 'receive', error);
        break;
      }
      batch.push(...more);
      if (more.length === 0 && wait === 0) await pause(Math.min(left, WINDOW_SHORT_POLL_MS));
    }
    return batch;
  }

  /**
   * Runs the handler, bounded by the function timeout. Resolves with the verdict when the
   * handler settles or times out, and `settled` once its promise has really ended.
   */
  function invoke(records: SQSRecord[]) {
    const context = lambdaContext({
      functionName: options.functionName,
      timeoutMs: options.functionTimeoutMs,
      memoryLimitInMB: options.memoryLimitInMB ?? 128,
      queue,
    });
    counts.invocations += 1;
    counts.inFlightInvocations += 1;
    counts.maxConcurrentInvocations = Math.max(counts.maxConcurrentInvocations, counts.inFlightInvocations);
    const run = (async () => options.handler({ Records: records }, context))();
    const settled = run.then(
      () => {},
      () => {},
    );
    void settled.then(() => {
      counts.inFlightInvocations -= 1;
    });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<{ kind: 'timeout' }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), options.functionTimeoutMs);
    });
    const outcome = Promise.race([
      run.then(
        (response) => ({ kind: 'returned' as const, response }),
        (error: unknown) => ({ kind: 'threw' as const, error }),
      ),
      timedOut,
    ]).finally(() => clearTimeout(timer));
    return { outcome, settled };
  }

  /** Deletes the given records, 10 per call; returns how many SQS confirmed. */
  async function deleteRecords(records: readonly SQSRecord[]): Promise<number> {
    let deleted = 0;
    for (const chunk of chunks(records, MAX_RECEIVE)) {
      try {
        const { Successful = [], Failed = [] } = await options.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: chunk.map((record, index) => ({
              Id: String(index),
              ReceiptHandle: record.receiptHandle,
            })),
          }),
        );
        deleted += Successful.length;
        if (Failed.length > 0) fail(`DeleteMessageBatch refused ${Failed.length} entries`, 'delete', Failed);
      } catch (error) {
        fail('DeleteMessageBatch failed; those messages will be delivered again', 'delete', error);
      }
    }
    return deleted;
  }

  /** Hands unprocessed messages straight back to the queue (visibility 0). */
  async function giveBack(messages: readonly Message[]): Promise<void> {
    for (const chunk of chunks(messages, MAX_RECEIVE)) {
      try {
        await options.client.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: chunk.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        );
        counts.messagesReturned += chunk.length;
      } catch (error) {
        fail(
          'could not return messages at stop; they come back after their visibility timeout',
          'return',
          error,
        );
      }
    }
  }

  async function handleBatch(messages: Message[]): Promise<void> {
    const records = messages.map((message) => toSqsRecord(message, queue));
    const { outcome, settled } = invoke(records);
    const result = await outcome;
    let toDelete: readonly SQSRecord[] = [];
    if (result.kind === 'returned') {
      const verdict = readBatchResponse(result.response, records);
      if (verdict.kind === 'partial') {
        toDelete = records.filter((record) => !verdict.failedIds.has(record.messageId));
      } else {
        counts.failedInvocations += 1;
        fail(`invalid batch response, the whole batch failed: ${verdict.reason}`, 'response');
      }
    } else {
      counts.failedInvocations += 1;
      if (result.kind === 'threw') {
        fail('the handler threw; the whole batch will be retried', 'invoke', result.error);
      } else {
        fail(`the handler timed out after ${options.functionTimeoutMs} ms`, 'timeout');
      }
    }
    const deleted = toDelete.length > 0 ? await deleteRecords(toDelete) : 0;
    counts.messagesDeleted += deleted;
    counts.messagesFailed += records.length - deleted;
    // Lambda would have killed a timed-out function; here it runs on, so keep its slot until it
    // ends (or stop() gives up on it) to hold the concurrency bound.
    if (result.kind === 'timeout') await Promise.race([settled, stopped]);
  }

  /** One turn of a poller: gather a batch, then invoke and settle it (or hand it back if stopping). */
  async function pollOnce(): Promise<void> {
    let messages: Message[];
    try {
      messages = await gather();
    } catch (error) {
      fail('ReceiveMessage failed', 'receive', error);
      await pause(ERROR_BACKOFF_MS);
      return;
    }
    if (messages.length === 0) return;
    if (stopping) await giveBack(messages);
    else await handleBatch(messages);
  }

  async function poller(): Promise<void> {
    while (!stopping) {
      try {
        await pollOnce();
      } catch (error) {
        // Only a bug of ours lands here; keep polling rather than lose a poller for good.
        fail('unexpected error in the poller', 'invoke', error);
        await pause(ERROR_BACKOFF_MS);
      }
    }
  }

  const pollers = Array.from({ length: options.maxConcurrency }, () => poller());
  let stopCall: Promise<void> | undefined;
  return {
    stop() {
      stopCall ??= (async () => {
        stopping = true;
        signalStop();
        for (const wake of [...sleepers]) wake();
        await Promise.all(pollers);
      })();
      return stopCall;
    },
    get stats(): EventSourceStats {
      return { ...counts };
    },
    pollers: options.maxConcurrency,
  };
}

function checkOptions(options: EventSourceOptions): void {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const isInt = Number.isInteger;
  check(
    isInt(options.batchSize) && options.batchSize >= 1 && options.batchSize <= MAX_BATCH_SIZE,
    `batchSize must be 1-${MAX_BATCH_SIZE}`,
  );
  check(
    options.maxBatchingWindowMs >= 0 && options.maxBatchingWindowMs <= MAX_WINDOW_MS,
    `maxBatchingWindowMs must be 0-${MAX_WINDOW_MS}`,
  );
  check(
    isInt(options.maxConcurrency) && options.maxConcurrency >= 1,
    'maxConcurrency must be an integer >= 1',
  );
  check(options.functionTimeoutMs > 0, 'functionTimeoutMs must be > 0');
  const wait = options.pollWaitSeconds ?? 1;
  check(isInt(wait) && wait >= 1 && wait <= 20, 'pollWaitSeconds must be an integer 1-20');
  if (problems.length > 0) {
    throw new RangeError(`Invalid event source for ${options.functionName}: ${problems.join('; ')}`);
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
