/**
 * The per-attempt record kept on a job: when each attempt started and ended, how it ended, and
 * its error code. Bounded, so a job retried many times still fits its DynamoDB item.
 */
import type { Job } from './job';

export type AttemptOutcome = 'completed' | 'retry-scheduled' | 'failed' | 'canceled' | 'abandoned';

export interface AttemptRecord {
  readonly attempt: number;
  /** Absent for an `abandoned` attempt: its worker died and a re-claim overwrote the start. */
  readonly startedAt?: string;
  readonly endedAt?: string;
  /** `abandoned`: the worker stopped (crash, timeout) before recording an outcome; the job was re-claimed. */
  readonly outcome: AttemptOutcome;
  readonly errorCode?: string;
}

/** The most attempts kept; older ones are dropped first. */
export const MAX_HISTORY = 25;

/**
 * The job's history with its current attempt's outcome appended. Attempts between the last
 * recorded one and this one never recorded an outcome (their worker died): they are added as
 * `abandoned`, so the history accounts for every attempt.
 */
export function withAttempt(
  job: Job,
  /** `abandoned` here: the recovery sweeper found the worker dead (its lease ran out). */
  outcome: AttemptOutcome,
  now: Date,
  errorCode?: string,
) {
  const history = [...(job.history ?? [])];
  const last = history.at(-1)?.attempt ?? 0;
  for (let attempt = last + 1; attempt < job.attempt; attempt++)
    history.push({ attempt, outcome: 'abandoned' });
  history.push({
    attempt: job.attempt,
    ...(job.startedAt ? { startedAt: job.startedAt } : {}),
    endedAt: now.toISOString(),
    outcome,
    ...(errorCode ? { errorCode } : {}),
  });
  return history.slice(-MAX_HISTORY);
}
