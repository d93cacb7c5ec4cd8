/**
 * The states a job moves through, as data, with the one transition table every writer obeys.
 *
 * Names and meanings follow AsyncEndpoints so its clients can read our jobs unchanged.
 */
export const JobStatus = {
  Queued: 'Queued',
  /** Waiting for a retry: the message is hidden until `retryDelayUntil`. */
  Scheduled: 'Scheduled',
  InProgress: 'InProgress',
  Completed: 'Completed',
  Failed: 'Failed',
  Canceled: 'Canceled',
} as const;

export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

export const ALL_STATUSES: readonly JobStatus[] = Object.values(JobStatus);

/**
 * Allowed moves. Anything not listed throws {@link InvalidTransitionError} in `transition()`.
 *
 * - InProgress -> InProgress is a re-claim after the previous worker's lease expired.
 * - Queued -> Failed marks a job whose enqueue failed; Failed -> Queued re-queues it (idempotent
 *   resubmission, and later retry and redrive).
 * - Completed and Canceled are final.
 */
export const TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  Queued: ['InProgress', 'Canceled', 'Failed'],
  Scheduled: ['InProgress', 'Queued', 'Canceled', 'Failed'],
  InProgress: ['InProgress', 'Completed', 'Scheduled', 'Failed', 'Canceled'],
  Completed: [],
  Failed: ['Queued'],
  Canceled: [],
};

/** States a client may stop polling in. */
export const TERMINAL_STATUSES: readonly JobStatus[] = ['Completed', 'Failed', 'Canceled'];

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (ALL_STATUSES as readonly string[]).includes(value);
}
