/**
 * The local system as the benchmarks start it (quiet, no sweeper timer, optionally with every
 * client counted), and the client side of a run: a pool of concurrent submitters, and waiting
 * for an event source to have deleted a number of messages (done, without polling the API).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StageConfigInput } from '../../lib/config';
import type { DynamoDbChoice } from '../../local/emulators/dynamodb';
import { LOCAL_AWS } from '../../local/emulators/types';
import { loadLocalConfig } from '../../local/local-config';
import { type LocalProcessor, type LocalSystem, startLocalSystem } from '../../local/local-system';
import type { RequestCounter } from './request-counter';

/** Options of {@link startBenchSystem}. */
export interface BenchSystemOptions {
  /** Counts every call of every component under the component's name. */
  readonly counter?: RequestCounter;
  readonly wrapProcessor?: (jobName: string, processor: LocalProcessor) => LocalProcessor;
  /**
   * Stage config laid over cdk.json's (e.g. a longer timeout for a long job).
   * @default nothing: cdk.json's config
   */
  readonly config?: StageConfigInput;
}

/** Which DynamoDB emulator: `LOCAL_DYNAMODB` (auto, dynamodb-local or dynalite). */
export function dynamoDbChoice(): DynamoDbChoice {
  return (process.env.LOCAL_DYNAMODB ?? 'auto') as DynamoDbChoice;
}

/** A document client of its own on `endpoint` (so middleware added to it stays its own). */
export function ownDocumentClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({ ...LOCAL_AWS, endpoint }), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** An SQS client of its own on `endpoint`, configured as the local mode's. */
export function ownSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ ...LOCAL_AWS, endpoint, useQueueUrlAsEndpoint: false });
}

/** Starts the local system from cdk.json's config, quiet, with the sweeper's timer off. */
export async function startBenchSystem(options: BenchSystemOptions = {}): Promise<LocalSystem> {
  const { counter } = options;
  const errors: unknown[] = [];
  const system = await startLocalSystem({
    config: loadLocalConfig(options.config),
    port: 0,
    dynamodb: dynamoDbChoice(),
    sweepIntervalMs: 0,
    onError: (error) => {
      errors.push(error);
      if (errors.length <= 3) console.error('event source error:', error);
    },
    ...(options.wrapProcessor ? { wrapProcessor: options.wrapProcessor } : {}),
    ...(counter
      ? {
          clientsFor: (component, { dynamodb, sqs }) => ({
            documentClient: counter.attach(ownDocumentClient(dynamodb.endpoint), component),
            sqsClient: counter.attach(ownSqsClient(sqs.endpoint), component),
          }),
        }
      : {}),
  });
  return system;
}

/** What {@link submitOverHttp} got back. */
export interface SubmitResult {
  readonly ids: string[];
  /** Milliseconds of each submit, in completion order. */
  readonly latenciesMs: number[];
}

/**
 * Submits `count` jobs of type `name` over HTTP with `concurrency` clients; `inputOf(i)` is the
 * body of the i-th. Every answer must be 202.
 */
export async function submitOverHttp(
  url: string,
  name: string,
  count: number,
  concurrency: number,
  inputOf: (index: number) => unknown,
  onSubmitted?: (done: number) => void,
): Promise<SubmitResult> {
  const ids: string[] = [];
  const latenciesMs: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        const t0 = performance.now();
        const response = await fetch(`${url}/jobs/${name}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(inputOf(index)),
        });
        const body = (await response.json()) as { id?: string };
        latenciesMs.push(performance.now() - t0);
        if (response.status !== 202 || !body.id) {
          throw new Error(`POST /jobs/${name} answered ${response.status}: ${JSON.stringify(body)}`);
        }
        ids.push(body.id);
        onSubmitted?.(ids.length);
      }
    }),
  );
  return { ids, latenciesMs };
}

/** Runs `work` for indexes 0..count-1 with `concurrency` workers; returns each call's ms. */
export async function pool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<unknown>,
  onDone?: (done: number) => void,
): Promise<number[]> {
  const latenciesMs: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const index = next++;
        const t0 = performance.now();
        await work(index);
        latenciesMs.push(performance.now() - t0);
        onDone?.(latenciesMs.length);
      }
    }),
  );
  return latenciesMs;
}

/**
 * Resolves once `deleted()` reaches `target`, checking every 20 ms; `onTick` sees the count.
 * @throws when nothing moved for `stallMs`
 */
export async function waitFor(
  deleted: () => number,
  target: number,
  onTick?: (count: number) => void,
  stallMs = 60_000,
): Promise<void> {
  let last = -1;
  let lastMove = Date.now();
  for (;;) {
    const count = deleted();
    onTick?.(count);
    if (count >= target) return;
    if (count !== last) {
      last = count;
      lastMove = Date.now();
    } else if (Date.now() - lastMove > stallMs) {
      throw new Error(`Stalled at ${count} of ${target} for ${stallMs / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
