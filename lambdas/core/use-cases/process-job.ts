import { withAttempt } from '../attempt-history';
import type { JobCatalog } from '../catalog';
import { JobVersionConflictError, toJobErrorInfo } from '../errors';
import { expiryAfter, type Job, type JobErrorInfo } from '../job';
import { retryPolicyOf } from '../job-settings';
import type { JobLogger } from '../job-type';
import { LEASE_MS, LeaseKeeper } from '../lease-keeper';
import type { Clock, Delivery, Ids, JobStore } from '../ports';
import { MAX_RESULT_BYTES, payloadBytes } from '../record-size';
import { decideRetry } from '../retry-policy';
import { runWithDeadline } from '../run-with-deadline';
import { transition } from '../transition';
import { validateInput } from '../validate-input';
import { canceledError } from './cancel-job';
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
  /**
   * Longest lease, ms; renewed every third of it while the handler runs.
   * @default LEASE_MS (60 s)
   */
  readonly leaseMs?: number;
  /**
   * Largest result a handler may return, bytes of JSON.
   * @default MAX_RESULT_BYTES (32 MiB)
   */
  readonly maxResultBytes?: number;
  /**
   * Told of every claimed attempt, with the record as claimed (for the started count and the
   * queue wait, which no outcome carries: the outcome write clears `retryDelayUntil`).
   * @default - nothing is told
   */
  readonly onClaimed?: (claimed: Job) => void;
}

export interface ProcessJobRequest {
  readonly delivery: Delivery;
  /** The job type this processor runs; a message for another type is dead-lettered. */
  readonly jobName: string;
  /** When the handler must have finished (epoch ms), leaving time to record the outcome. */
  readonly deadlineAt: number;
  /**
   * The longest the lease may last (past the function timeout, so only a dead worker's lease
   * expires); the lease taken is the shorter of this and `ProcessJobDeps.leaseMs`, and renewed.
   */
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
  | { readonly kind: 'canceled'; readonly job: Job; readonly ack: true }
  | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly job?: Job; readonly ack: boolean };

export type SkipReason = 'missing' | 'finished' | 'dead-letter-resent' | 'not-due' | 'leased' | 'lease-lost';

/** Outcome writes tried before giving up on a record that keeps changing under this worker. */
const OUTCOME_WRITE_ATTEMPTS = 5;

/**
 * Runs one delivery of a job, at least once, recording exactly one outcome per attempt.
 *
 * ```
 * claim (conditional: claimable -> InProgress, new lease, attempt+1)
 *   |- not claimable: finished -> ack | not due / leased -> hide until then, release
 *   |- claimed with a cancel request (its last worker died) -> Canceled -> ack
 *   '- claimed -> validate input -> handler (deadline; lease renewed every lease/3, cancel
 *                                           flag checked every cancelCheckSeconds between)
 *        |- cancel requested -> Canceled           -> ack (no DLQ)
 *        |- ok               -> Completed          -> ack
 *        |- transient        -> Scheduled (+delay) -> hide for the delay, release
 *        '- permanent / exhausted -> Failed        -> copy to DLQ -> ack
 * ```
 * Every outcome write is conditional on the newest version this worker saw (the claim or its
 * last heartbeat). On a conflict the record is read again: another lease holder means this
 * worker lost the job and records nothing; a cancel request written meanwhile turns the outcome
 * into Canceled.
 */
export async function processJob(deps: ProcessJobDeps, request: ProcessJobRequest): Promise<ProcessOutcome> {
  const { delivery } = request;
  const leaseMs = Math.max(1, Math.min(request.leaseMs, deps.leaseMs ?? LEASE_MS));
  const now = deps.clock.now();
  const claim = await deps.store.claim({
    id: delivery.jobId,
    leaseOwner: deps.ids.newId(),
    leaseExpiresAt: new Date(now.getTime() + leaseMs),
    now,
  });
  if (!claim.claimed) return notClaimed(deps, request, claim.job);

  const job = claim.job;
  deps.onClaimed?.(job);
  if (job.cancelRequestedAt) {
    // Canceled while its last worker ran, and that worker died: end it without running it.
    const written = await record(deps, job, (current, at) => canceled(deps, current, at));
    return written ? { kind: 'canceled', job: written, ack: true } : lostLease(job);
  }
  if (job.name !== request.jobName) {
    return fail(deps, request, job, {
      code: 'WRONG_QUEUE',
      message: `A '${job.name}' job reached the '${request.jobName}' processor`,
    });
  }
  const { definition, settings } = deps.catalog.get(job.name);
  const lease = new LeaseKeeper({
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    delivery,
    job,
    leaseMs,
    deadlineAt: request.deadlineAt,
    cancelCheckMs: settings.cancelCheckSeconds * 1000,
  });
  let result: unknown;
  let failure: { error: unknown } | undefined;
  try {
    // A large input is opened here (from S3, say); one that is gone fails the job permanently.
    const input = validateInput(definition.input, await deps.store.loadInput(job));
    lease.start();
    const started = deps.clock.now().getTime();
    result = await runWithDeadline(
      request.deadlineAt - started,
      (signal) =>
        definition.handler(input, {
          jobId: job.id,
          jobName: job.name,
          attempt: job.attempt,
          signal,
          deadline: new Date(request.deadlineAt),
          logger: deps.logger,
          heartbeat: (progress) => lease.heartbeat(progress),
        }),
      lease.signal,
    );
  } catch (error) {
    failure = { error };
  } finally {
    await lease.stop();
  }
  // The newest record this worker wrote: outcome writes are conditional on its version.
  const latest = lease.job;
  if (lease.leaseLost) return lostLease(latest);
  if (failure && !latest.cancelRequestedAt) {
    const { error } = failure;
    const info = toJobErrorInfo(error);
    // The job's own maxRetries: the number its owner was shown when it was accepted.
    const policy = { ...retryPolicyOf(settings), maxRetries: job.maxRetries };
    // Attempts since the last retry or redrive: a re-queued job gets its whole budget again.
    const decision = decideRetry(policy, job.attempt - (job.requeuedAtAttempt ?? 0), error, deps.random);
    deps.logger.warn('Job attempt failed', { attempt: job.attempt, error: info, decision });
    if (!decision.retry) return fail(deps, request, latest, info);
    return scheduleRetry(deps, request, latest, info, decision.delayMs);
  }
  const completed = (current: Job, at: Date) =>
    transition(current, 'Completed', at, {
      result: result ?? null,
      error: undefined,
      retryDelayUntil: undefined,
      expiresAt: expiryAfter(at, deps.retentionSeconds),
      history: withAttempt(current, 'completed', at),
    });
  const maxResultBytes = deps.maxResultBytes ?? MAX_RESULT_BYTES;
  if (!latest.cancelRequestedAt && payloadBytes(result) > maxResultBytes) {
    // Storing it would fail on every attempt: fail now, and say why.
    return fail(deps, request, latest, {
      code: 'RESULT_TOO_LARGE',
      message: `The result is larger than the ${maxResultBytes} bytes of JSON a job may return`,
    });
  }
  const written = await record(deps, latest, completed);
  if (!written) return lostLease(latest);
  return { kind: written.status === 'Canceled' ? 'canceled' : 'completed', job: written, ack: true };
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
      // message both deliveries share, so hide it instead: if that worker dies, this delivery
      // comes back and re-claims the job. Hide it until that worker's invocation has surely
      // ended (its start plus the function timeout), not just the current lease: leases are
      // renewed, and every early return would count toward the queue's maxReceiveCount.
      const leaseEnd = Date.parse(job.leaseExpiresAt ?? '') || now;
      const timeoutMs = deps.catalog.has(job.name)
        ? deps.catalog.get(job.name).settings.timeoutSeconds * 1000
        : 0;
      const runEnd = (Date.parse(job.startedAt ?? '') || now) + timeoutMs;
      await request.delivery.retryAfter(secondsUntil(Math.max(leaseEnd, runEnd), now) + 1);
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
  const written = await record(deps, job, (current, now) =>
    transition(current, 'Scheduled', now, {
      error,
      retryCount: current.retryCount + 1,
      retryDelayUntil: new Date(now.getTime() + delayMs).toISOString(),
      history: withAttempt(current, 'retry-scheduled', now, error.code),
    }),
  );
  if (!written) return lostLease(job);
  if (written.status === 'Canceled') return { kind: 'canceled', job: written, ack: true };
  await request.delivery.retryAfter(Math.ceil(delayMs / 1000));
  return { kind: 'retry-scheduled', job: written, delayMs, ack: false };
}

async function fail(
  deps: ProcessJobDeps,
  request: ProcessJobRequest,
  job: Job,
  error: JobErrorInfo,
): Promise<ProcessOutcome> {
  const written = await record(deps, job, (current, now) =>
    transition(current, 'Failed', now, {
      error,
      retryDelayUntil: undefined,
      expiresAt: expiryAfter(now, deps.retentionSeconds),
      history: withAttempt(current, 'failed', now, error.code),
    }),
  );
  if (!written) return lostLease(job);
  // A canceled job is not a failure: nothing to dead-letter.
  if (written.status === 'Canceled') return { kind: 'canceled', job: written, ack: true };
  // Record first, then the DLQ: if the send fails the message is redelivered, finds the job
  // Failed, and the send is repeated (see notClaimed), so record and DLQ end up agreeing.
  await request.delivery.deadLetter(error);
  return { kind: 'failed', job: written, ack: true };
}

/** The Canceled record of a job whose owner asked to cancel it while it ran. */
function canceled(deps: ProcessJobDeps, job: Job, now: Date): Job {
  const error = canceledError(job.id);
  return transition(job, 'Canceled', now, {
    error,
    retryDelayUntil: undefined,
    expiresAt: expiryAfter(now, deps.retentionSeconds),
    history: withAttempt(job, 'canceled', now, error.code),
  });
}

/**
 * Writes the outcome `build` makes from `job`, or Canceled when a cancel was requested. On a
 * version conflict it reads the record again: if this worker still holds the lease (the other
 * write was a cancel request), it decides again from the fresh record; if not, the new holder
 * decides, and it returns undefined.
 *
 * ```
 * worker:  heartbeat v5 ........ update(v6 Completed)  -> conflict -> get v6 -> update(v7 Canceled)
 * owner:           DELETE -> update(v6 cancelRequestedAt)
 * ```
 */
async function record(
  deps: ProcessJobDeps,
  job: Job,
  build: (job: Job, now: Date) => Job,
): Promise<Job | undefined> {
  let current = job;
  for (let round = 1; round <= OUTCOME_WRITE_ATTEMPTS; round++) {
    const now = deps.clock.now();
    const next = current.cancelRequestedAt ? canceled(deps, current, now) : build(current, now);
    try {
      await deps.store.update(next);
      return next;
    } catch (error) {
      if (!(error instanceof JobVersionConflictError)) throw error;
    }
    const fresh = await deps.store.get(job.id);
    if (fresh?.status !== 'InProgress' || fresh.leaseOwner !== job.leaseOwner) {
      deps.logger.warn('Lost the lease before recording the outcome; the new holder decides');
      return undefined;
    }
    current = fresh;
  }
  deps.logger.warn('The outcome write kept conflicting; the job runs again once its lease ends');
  return undefined;
}

function lostLease(job: Job): ProcessOutcome {
  // The other holder's delivery owns the message's fate; this one must not delete it.
  return { kind: 'skipped', reason: 'lease-lost', job, ack: false };
}

function secondsUntil(epochMs: number, now: number): number {
  return Math.max(0, Math.ceil((epochMs - now) / 1000));
}
