import type { CatalogEntry, JobCatalog } from '../catalog';
import {
  EnqueueFailedError,
  IdempotencyKeyMismatchError,
  JobAlreadyExistsError,
  JobTooLargeError,
  JobVersionConflictError,
} from '../errors';
import { expiryAfter, type Job } from '../job';
import type { JobLogger } from '../job-type';
import type { Clock, Ids, JobQueue, JobStore } from '../ports';
import { MAX_INPUT_BYTES, payloadBytes } from '../record-size';
import { idFromIdempotencyKey, requestHash } from '../request-hash';
import { transition } from '../transition';
import { validateInput } from '../validate-input';

export interface SubmitJobDeps {
  readonly catalog: JobCatalog;
  readonly store: JobStore;
  /** The queue of each job type. */
  readonly queueFor: (jobName: string) => JobQueue;
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
 * Validates, stores and enqueues a job. Answers only once the message is durably queued.
 *
 * With an idempotency key the job id is derived from (owner, key), so concurrent duplicates
 * meet at one conditional put: the loser gets the winner's job back.
 *
 * ```
 * validate -> put (Queued, if absent) -> SendMessage -> accepted
 *                   | exists: same hash -> the stored job (re-queued if its enqueue had failed)
 *                   | exists: other hash -> IdempotencyKeyMismatchError
 *                                            SendMessage fails -> mark Failed(ENQUEUE_FAILED), throw
 * ```
 *
 * @throws UnknownJobTypeError, InvalidInputError, JobTooLargeError, IdempotencyKeyMismatchError,
 *   EnqueueFailedError
 */
export async function submitJob(deps: SubmitJobDeps, request: SubmitJobRequest): Promise<SubmitJobResult> {
  const { definition, settings } = deps.catalog.get(request.name);
  const input = validateInput(definition.input, request.input);
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
    ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
  };

  // The API limits the body, but a schema may enlarge what it returns (defaults, transforms).
  const limit = deps.maxInputBytes ?? MAX_INPUT_BYTES;
  const bytes = payloadBytes(input);
  if (bytes > limit) throw new JobTooLargeError(bytes, limit);
  try {
    await deps.store.create(job);
  } catch (error) {
    if (!(error instanceof JobAlreadyExistsError)) throw error;
    return { ...(await replay(deps, error.existing, request, hash)), settings };
  }
  await enqueueOrMarkFailed(deps, job);
  return { job, created: true, settings };
}

async function replay(
  deps: SubmitJobDeps,
  existing: Job,
  request: SubmitJobRequest,
  hash: string,
): Promise<{ job: Job; created: boolean }> {
  if (existing.owner !== request.owner || existing.requestHash !== hash) {
    throw new IdempotencyKeyMismatchError(existing.id);
  }
  if (existing.status !== 'Failed' || existing.error?.code !== ENQUEUE_FAILED) {
    return { job: existing, created: false };
  }
  // The first request was refused with 503 because its message never reached SQS: this retry
  // gets a second chance at the same job rather than a new one.
  const requeued = transition(existing, 'Queued', deps.clock.now(), { error: undefined });
  try {
    await deps.store.update(requeued);
  } catch (error) {
    if (!(error instanceof JobVersionConflictError)) throw error;
    // A concurrent retry re-queued it first.
    const current = await deps.store.get(existing.id);
    return { job: current ?? existing, created: false };
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
