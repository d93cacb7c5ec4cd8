/**
 * The recovery sweeper's handler: one scheduled run, which first reconciles the dead-letter
 * queues ({@link reconcileDeadLetters}) and then sweeps the Active index ({@link sweepJobs}).
 * Thin: the event (EventBridge's scheduled event, or a local timer's call) carries nothing it needs.
 */
import {
  type DeadLetterReconciliation,
  type ReconcileDeadLettersDeps,
  reconcileDeadLetters,
} from '../core/use-cases/reconcile-dead-letters';
import type { SweepJobsDeps, SweepResult } from '../core/use-cases/sweep-jobs';
import { sweepJobs } from '../core/use-cases/sweep-jobs';

/** What the two use-cases of a sweeper run need. */
export interface SweeperDeps {
  readonly sweep: SweepJobsDeps;
  readonly deadLetters: ReconcileDeadLettersDeps;
}

/** What one sweeper run did: the index sweep's counts, and the DLQ reconciliation's. */
export interface SweeperResult extends SweepResult {
  readonly deadLetters: DeadLetterReconciliation;
}

/**
 * Builds the handler: every call runs one bounded run and returns its counts. The DLQs come
 * first, so a job whose message SQS dead-lettered is Failed before the index sweep could take
 * it for a lost message and send it again (leaving a DLQ copy of a job that then completes).
 */
export function makeSweeperHandler(deps: SweeperDeps) {
  return async (_event?: unknown): Promise<SweeperResult> => {
    const deadLetters = await reconcileDeadLetters(deps.deadLetters);
    return { ...(await sweepJobs(deps.sweep)), deadLetters };
  };
}
