/**
 * Boot recovery: the local mode's queues live in memory, so a restart loses every message and
 * every worker while the job table (on disk) still holds their jobs. One run of the recovery
 * sweeper puts them all back: no age threshold, no per-run cap, every lease counted as expired.
 *
 * ```
 * Queued / Scheduled (message lost)     -> re-enqueued to its lane (a backoff still waits)
 * InProgress (its worker died with us)  -> Scheduled, attempt + 1, history "abandoned" WORKER_LOST
 *                                          (Failed and copied to the DLQ when no retries are left)
 * Completed / Failed / Canceled         -> untouched: they never run again
 * ```
 */
import type { SweeperResult } from '../../lambdas/sweeper/sweeper';
import { type SweeperWiring, wireSweeperHandler } from '../../lambdas/wiring';

/** What the boot recovery did. */
export interface BootRecovery {
  /** Queued or Scheduled jobs whose message was sent again. */
  readonly requeued: number;
  /** InProgress jobs whose worker died with the old process, Scheduled again. */
  readonly rescheduled: number;
  /** InProgress jobs with no retries left, Failed (and copied to the DLQ). */
  readonly failed: number;
}

/**
 * Runs the recovery sweeper once over every unfinished job last updated before `restartedAt`.
 * Take `restartedAt` before any event source or API handler starts, so that jobs the new
 * process touches are never taken for the old one's.
 */
export async function recoverAtBoot(
  wiring: Omit<SweeperWiring, 'maxJobsPerRun' | 'restartedAt' | 'leaseMs'>,
  restartedAt: Date,
): Promise<BootRecovery> {
  const sweep = wireSweeperHandler({ ...wiring, maxJobsPerRun: Number.POSITIVE_INFINITY, restartedAt });
  const result: SweeperResult = await sweep();
  return { requeued: result.requeued, rescheduled: result.rescheduled, failed: result.failed };
}

/** `3 re-enqueued, 1 whose worker died rescheduled`, or `nothing to re-enqueue`. */
export function describeRecovery(recovery: BootRecovery): string {
  const parts = [
    recovery.requeued > 0 ? `${recovery.requeued} re-enqueued` : '',
    recovery.rescheduled > 0 ? `${recovery.rescheduled} whose worker died rescheduled` : '',
    recovery.failed > 0 ? `${recovery.failed} whose worker died failed (no retries left)` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'nothing to re-enqueue';
}
