import { withAttempt } from '../attempt-history';
import type { JobCatalog } from '../catalog';
import { JobVersionConflictError, toJobErrorInfo } from '../errors';
import { expiryAfter, type Job, type JobErrorInfo } from '../job';
import { retryPolicyOf } from '../job-settings';
import type { JobLogger } from '../job-type';
import type { Clock, Delivery, Ids, JobStore } from '../ports';
import { MAX_RECORD_BYTES, recordBytes } from '../record-size';
import { decideRetry } from '../retry-policy';
import { runWithDeadline } from '../run-with-deadline';
import { transition } from '../transition';
import { validateInput } from '../validate-input';
import { ENQUEUE_FAILED } from './submit-job';

export interface ProcessJobDeps {
  readonly catalog: JobCatalog;
  readonly store: JobStore;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly logger: JobLogger;
  /** How long finished records are kept, seconds: the TTL restarts when a job finishes. */
  readonly retentionSeconds: number;
  /** Source of jitter, in [0, 1). */
  readonly random?: () => number;
}

export interface ProcessJobRequest {
  readonly delivery: Delivery;
  /** The job type this processor runs; a message for another type is dead-lettered. */
  readonly jobName: string;
  /** When the handler must have finished (epoch ms), leaving time to record the outcome. */
  readonly deadlineAt: number;
  /** How long the lease lasts: past the function timeout, so only a dead worker's lease expires. */
  readonly leaseMs: number;
}

/**
 * What happened to one delivery. `ack` deletes the message; `release` leaves it for a later
 * delivery (a batch item failure) after the visibility the use-case has set.
 */
export type ProcessOutcome =
  | { readonly kind: 'completed'; readonly job: Job; readonly ack: true }
  | { readonly kind: 'retry-scheduled'; readonly job: Job; readonly delayMs: number; readonly ack: false }
  | { readonly kind: 'failed'; readonly job: Job; readonly ack: true }
  | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly job?: Job; readonly ack: boolean };

export type SkipReason = 'missing' | 'finished' | 'dead-letter-resent' | 'not-due' | 'leased' | 'lease-lost';

/**
 * Runs one delivery of a job, at least once, recording exactly one outcome per attempt.
 *
 * ```
 * claim (conditional: claimable -> InProgress, new lease, attempt+1)
 *   |- not claimable: finished -> ack | not due / leased -> hide until then, release
 *   '- claimed -> validate input -> handler (with deadline)
 *        |- ok        -> Completed              -> ack
 *        |- transient -> Scheduled (+delay)     -> hide for the delay, release
 *        '- permanent / exhausted -> Failed     -> copy to DLQ -> ack
 * ```
 * Every outcome write is conditional on the claimed version, so a worker that lost its lease
 * cannot overwrite the job.
 */
export async function processJob(deps: ProcessJobDeps, request: ProcessJobRequest): Promise<ProcessOutcome> {
  const { delivery } = request;
  const now = deps.clock.now();
  const claim = await deps.store.claim({
    id: delivery.jobId,
    leaseOwner: deps.ids.newId(),
    leaseExpiresAt: new Date(now.getTime() + request.leaseMs),
    now,
  });
  if (!claim.claimed) return notClaimed(deps, request, claim.job);

  const job = claim.job;
  if (job.name !== request.jobName) {
    return fail(deps, request, job, {
      code: 'WRONG_QUEUE',
      message: `A '${job.name}' job reached the '${request.jobName}' processor`,
    });
  }
  const { definition, settings } = deps.catalog.get(job.name);
  const started = deps.clock.now().getTime();
  let result: unknown;
  try {
    const input = validateInput(definition.input, job.input);
    result = await runWithDeadline(request.deadlineAt - started, (signal) =>
      definition.handler(input, {
        jobId: job.id,
        jobName: job.name,
        attempt: job.attempt,
        signal,
        deadline: new Date(request.deadlineAt),
        logger: deps.logger,
      }),
    );
  } catch (error) {
    const info = toJobErrorInfo(error);
    // The job's own maxRetries: the number its owner was shown when it was accepted.
    const policy = { ...retryPolicyOf(settings), maxRetries: job.maxRetries };
    const decision = decideRetry(policy, job.attempt, error, deps.random);
    deps.logger.warn('Job attempt failed', { attempt: job.attempt, error: info, decision });
    if (!decision.retry) return fail(deps, request, job, info);
    return scheduleRetry(deps, request, job, info, decision.delayMs);
  }
  const finishedAt = deps.clock.now();
  const completed = transition(job, 'Completed', finishedAt, {
    result: result ?? null,
    error: undefined,
    retryDelayUntil: undefined,
    expiresAt: expiryAfter(finishedAt, deps.retentionSeconds),
    history: withAttempt(job, 'completed', finishedAt),
  });
  if (recordBytes(completed) > MAX_RECORD_BYTES) {
    // Storing it would fail on every attempt: fail now, and say why.
    return fail(deps, request, job, {
      code: 'RESULT_TOO_LARGE',
      message: `The result does not fit the job record (${MAX_RECORD_BYTES} bytes with the input)`,
    });
  }
  if (!(await write(deps, completed))) return lostLease(job);
  return { kind: 'completed', job: completed, ack: true };
}

async function notClaimed(
  deps: ProcessJobDeps,
  request: ProcessJobRequest,
  job: Job | undefined,
): Promise<ProcessOutcome> {
  if (!job) {
    deps.logger.warn('No record for this job; dropping the message');
    return { kind: 'skipped', reason: 'missing', ack: true };
  }
  const now = deps.clock.now().getTime();
  switch (job.status) {
    case 'Completed':
    case 'Canceled':
      return { kind: 'skipped', reason: 'finished', job, ack: true };
    case 'Failed':
      // A Failed job whose message is still on the main queue: its DLQ copy may not have been
      // sent (the send failed after the record was written), so send it now. A job refused
      // at submission never counted as accepted and has nothing to dead-letter.
      if (job.error && job.error.code !== ENQUEUE_FAILED) {
        await request.delivery.deadLetter(job.error);
        return { kind: 'skipped', reason: 'dead-letter-resent', job, ack: true };
      }
      return { kind: 'skipped', reason: 'finished', job, ack: true };
    case 'InProgress': {
      // Another worker holds a live lease. Deleting this duplicate would delete the one SQS
      // message both deliveries share, so hide it until the lease ends instead: if that worker
      // dies, this delivery comes back and re-claims the job.
      const leaseEnd = Date.parse(job.leaseExpiresAt ?? '') || now;
      await request.delivery.retryAfter(secondsUntil(leaseEnd, now) + 1);
      return { kind: 'skipped', reason: 'leased', job, ack: false };
    }
    default: {
      // Queued or Scheduled but not due yet: an early delivery.
      const due = Date.parse(job.retryDelayUntil ?? '') || now;
      await request.delivery.retryAfter(secondsUntil(due, now));
      return { kind: 'skipped', reason: 'not-due', job, ack: false };
    }
  }
}

async function scheduleRetry(
  deps: ProcessJobDeps,
  request: ProcessJobRequest,
  job: Job,
  error: JobErrorInfo,
  delayMs: number,
): Promise<ProcessOutcome> {
  const now = deps.clock.now();
  const scheduled = transition(job, 'Scheduled', now, {
    error,
    retryCount: job.retryCount + 1,
    retryDelayUntil: new Date(now.getTime() + delayMs).toISOString(),
    history: withAttempt(job, 'retry-scheduled', now, error.code),
  });
  if (!(await write(deps, scheduled))) return lostLease(job);
  await request.delivery.retryAfter(Math.ceil(delayMs / 1000));
  return { kind: 'retry-scheduled', job: scheduled, delayMs, ack: false };
}

async function fail(
  deps: ProcessJobDeps,
  request: ProcessJobRequest,
  job: Job,
  error: JobErrorInfo,
): Promise<ProcessOutcome> {
  const now = deps.clock.now();
  const failed = transition(job, 'Failed', now, {
    error,
    retryDelayUntil: undefined,
    expiresAt: expiryAfter(now, deps.retentionSeconds),
    history: withAttempt(job, 'failed', now, error.code),
  });
  if (!(await write(deps, failed))) return lostLease(job);
  // Record first, then the DLQ: if the send fails the message is redelivered, finds the job
  // Failed, and the send is repeated (see notClaimed), so record and DLQ end up agreeing.
  await request.delivery.deadLetter(error);
  return { kind: 'failed', job: failed, ack: true };
}

/** Writes an outcome; false when the lease was lost to another worker meanwhile. */
async function write(deps: ProcessJobDeps, next: Job): Promise<boolean> {
  try {
    await deps.store.update(next);
    return true;
  } catch (error) {
    if (error instanceof JobVersionConflictError) {
      deps.logger.warn('Lost the lease before recording the outcome; the new holder decides');
      return false;
    }
    throw error;
  }
}

function lostLease(job: Job): ProcessOutcome {
  // The other holder's delivery owns the message's fate; this one must not delete it.
  return { kind: 'skipped', reason: 'lease-lost', job, ack: false };
}

function secondsUntil(epochMs: number, now: number): number {
  return Math.max(0, Math.ceil((epochMs - now) / 1000));
}
