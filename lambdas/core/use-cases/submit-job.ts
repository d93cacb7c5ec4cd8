import type { CatalogEntry, JobCatalog } from '../catalog';
import {
  BacklogFullError,
  EnqueueFailedError,
  IdempotencyKeyMismatchError,
  JobAlreadyExistsError,
  JobTooLargeError,
  JobVersionConflictError,
  PriorityNotEnabledError,
} from '../errors';
import { expiryAfter, type Job } from '../job';
import { acceptsHighPriority } from '../job-settings';
import type { JobLogger } from '../job-type';
import type { BacklogGauge, Clock, Ids, JobQueue, JobStore } from '../ports';
import { JobPriority } from '../priority';
import { MAX_INPUT_BYTES, payloadBytes } from '../record-size';
import { idFromIdempotencyKey, requestHash } from '../request-hash';
import { transition } from '../transition';
import { validateInput } from '../validate-input';

export interface SubmitJobDeps {
  readonly catalog: JobCatalog;
  readonly store: JobStore;
  /** The queue of each job type (routing each job to its priority's queue). */
  readonly queueFor: (jobName: string) => JobQueue;
  /**
   * The backlog of a job type's queue of one priority, for types with a `maxBacklog`; without
   * it (or a gauge) no job is refused for backlog.
   */
  readonly backlogFor?: (jobName: string, priority: JobPriority) => BacklogGauge | undefined;
  /**
   * `Retry-After` of a submission refused for backlog, seconds.
   * @default BACKLOG_RETRY_AFTER_SECONDS
   */
  readonly backlogRetryAfterSeconds?: number;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly logger: JobLogger;
  /** How long records are kept, seconds. */
  readonly retentionSeconds: number;
  /**
   * Largest validated input, bytes of JSON.
   * @default MAX_INPUT_BYTES
   */
  readonly maxInputBytes?: number;
}

export interface SubmitJobRequest {
  readonly owner: string;
  readonly name: string;
  readonly input: unknown;
  readonly idempotencyKey?: string;
  /** @default 'normal' */
  readonly priority?: JobPriority;
}

export interface SubmitJobResult {
  readonly job: Job;
  /** False when an earlier request with the same idempotency key already created the job. */
  readonly created: boolean;
  readonly settings: CatalogEntry['settings'];
}

/** Error code stored on a job whose message never reached its queue. */
export const ENQUEUE_FAILED = 'ENQUEUE_FAILED';

/**
 * Default `Retry-After` of a 429 for backlog, seconds: longer than the gauge's cache (5 s), so
 * the retry sees a fresh reading, and short enough for a queue that drains quickly.
 */
export const BACKLOG_RETRY_AFTER_SECONDS = 10;

/**
 * Validates, stores and enqueues a job. Answers only once the message is durably queued.
 *
 * With an idempotency key the job id is derived from (owner, key), so concurrent duplicates
 * meet at one conditional put: the loser gets the winner's job back.
 *
 * ```
 * validate -> priority enabled? -> backlog below maxBacklog? -> put (Queued, if absent) -> SendMessage -> accepted
 *                                  | full: key's job exists -> its replay (below), never a new job
 *                                  | full: otherwise        -> BacklogFullError, nothing stored
 *                                               | exists: same hash -> the stored job; its message sent (again)
 *                                               |   if it never started, re-queued if its enqueue had failed
 *                                               | exists: other hash -> IdempotencyKeyMismatchError
 *                                                          SendMessage fails -> mark Failed(ENQUEUE_FAILED), throw
 * ```
 * The backlog is checked before the put, so a refused job leaves no record; a replay of a job
 * already accepted still gets its original answer while the queue is full (one GetItem, only
 * then). A gauge that cannot be read admits the job (fail open, logged).
 *
 * A replay sends the message of a job that is still Queued and was never claimed: the request
 * that stored it may have lost DynamoDB's answer (a dropped connection, the SDK's retry then
 * refused by the condition, or an outage) and never sent it, and nothing else would for
 * `maxMessageAgeSeconds`. A duplicate message is harmless: the claim is conditional.
 *
 * @throws UnknownJobTypeError, InvalidInputError, PriorityNotEnabledError, JobTooLargeError,
 *   BacklogFullError, IdempotencyKeyMismatchError, EnqueueFailedError
 */
export async function submitJob(deps: SubmitJobDeps, request: SubmitJobRequest): Promise<SubmitJobResult> {
  const { definition, settings } = deps.catalog.get(request.name);
  const input = validateInput(definition.input, request.input);
  const priority = request.priority ?? JobPriority.Normal;
  if (priority === JobPriority.High && !acceptsHighPriority(settings)) {
    throw new PriorityNotEnabledError(request.name);
  }
  const now = deps.clock.now();
  const hash = requestHash(request.name, input);
  const id =
    request.idempotencyKey === undefined
      ? deps.ids.newId()
      : idFromIdempotencyKey(request.owner, request.idempotencyKey);
  const job: Job = {
    id,
    name: request.name,
    status: 'Queued',
    owner: request.owner,
    input,
    retryCount: 0,
    maxRetries: settings.maxRetries,
    attempt: 0,
    createdAt: now.toISOString(),
    lastUpdatedAt: now.toISOString(),
    requestHash: hash,
    expiresAt: expiryAfter(now, deps.retentionSeconds),
    version: 1,
    priority,
    ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
  };

  // The API limits the body, but a schema may enlarge what it returns (defaults, transforms).
  const limit = deps.maxInputBytes ?? MAX_INPUT_BYTES;
  const bytes = payloadBytes(input);
  if (bytes > limit) throw new JobTooLargeError(bytes, limit);
  const refusal = await backlogRefusal(deps, request.name, priority, settings.maxBacklog);
  if (refusal) {
    // Only new work is refused: a client retrying an accepted job gets its answer back.
    const existing = request.idempotencyKey === undefined ? undefined : await deps.store.get(id);
    if (!existing) throw refusal;
    return { ...(await replay(deps, existing, request, hash, refusal)), settings };
  }
  try {
    await deps.store.create(job);
  } catch (error) {
    if (!(error instanceof JobAlreadyExistsError)) throw error;
    return { ...(await replay(deps, error.existing, request, hash)), settings };
  }
  await enqueueOrMarkFailed(deps, job);
  return { job, created: true, settings };
}

/** The refusal when the queue's backlog is above `maxBacklog` (0: unlimited). */
async function backlogRefusal(
  deps: SubmitJobDeps,
  name: string,
  priority: JobPriority,
  maxBacklog: number,
): Promise<BacklogFullError | undefined> {
  if (maxBacklog <= 0) return undefined;
  const gauge = deps.backlogFor?.(name, priority);
  if (!gauge) return undefined;
  let backlog: number;
  try {
    backlog = await gauge.read();
  } catch (error) {
    // Backpressure protects capacity, it is not what makes a job safe: refusing every
    // submission because a queue metric could not be read would turn a blip into an outage.
    deps.logger.warn('Could not read the queue backlog; admitting the job', {
      jobName: name,
      priority,
      error,
    });
    return undefined;
  }
  if (backlog < maxBacklog) return undefined;
  return new BacklogFullError(
    name,
    backlog,
    maxBacklog,
    deps.backlogRetryAfterSeconds ?? BACKLOG_RETRY_AFTER_SECONDS,
  );
}

/** The answer to a resubmission with the key of a stored job; `refusal` when the queue is full. */
async function replay(
  deps: SubmitJobDeps,
  existing: Job,
  request: SubmitJobRequest,
  hash: string,
  refusal?: BacklogFullError,
): Promise<{ job: Job; created: boolean }> {
  if (existing.owner !== request.owner || existing.requestHash !== hash) {
    throw new IdempotencyKeyMismatchError(existing.id);
  }
  if (existing.status === 'Queued' && existing.attempt === 0) {
    await enqueueOrMarkFailed(deps, existing);
    return { job: existing, created: false };
  }
  if (existing.status !== 'Failed' || existing.error?.code !== ENQUEUE_FAILED) {
    return { job: existing, created: false };
  }
  // Re-queuing a job that was never accepted is new work.
  if (refusal) throw refusal;
  // The first request was refused with 503 because its message never reached SQS: this retry
  // gets a second chance at the same job rather than a new one.
  const requeued = transition(existing, 'Queued', deps.clock.now(), { error: undefined });
  try {
    await deps.store.update(requeued);
  } catch (error) {
    if (!(error instanceof JobVersionConflictError)) throw error;
    // A concurrent retry re-queued it first, or this write was applied and its answer lost (the
    // SDK's retry then failed the condition): decide again from the record, so a job left
    // Queued is sent rather than left without a message.
    const current = await deps.store.get(existing.id);
    if (!current) return { job: existing, created: false };
    return replay(deps, current, request, hash);
  }
  await enqueueOrMarkFailed(deps, requeued);
  return { job: requeued, created: true };
}

async function enqueueOrMarkFailed(deps: SubmitJobDeps, job: Job): Promise<void> {
  try {
    await deps.queueFor(job.name).enqueue(job);
  } catch (cause) {
    deps.logger.error('Enqueue failed; marking the job failed', { jobId: job.id, error: cause });
    const failed = transition(job, 'Failed', deps.clock.now(), {
      error: { code: ENQUEUE_FAILED, message: 'The job could not be queued; submit it again' },
    });
    // If this write fails too, the record stays Queued with no message behind it: the client
    // got a 503 either way, and a resubmission with the same key finds and reports it.
    await deps.store.update(failed).catch((markError: unknown) => {
      deps.logger.error('Could not mark the job failed', { jobId: job.id, error: markError });
    });
    throw new EnqueueFailedError(job.id, { cause });
  }
}
