/**
 * The recovery sweeper's handler: one scheduled run, which first reconciles the dead-letter
 * queues ({@link reconcileDeadLetters}) and then sweeps the Active index ({@link sweepJobs}).
 * Thin: the event (EventBridge's scheduled event, or a local timer's call) carries nothing it needs.
 */
import type { Job } from '../core/job';
import {
  type DeadLetterReconciliation,
  type DeadLetterTarget,
  reconcileDeadLetters,
} from '../core/use-cases/reconcile-dead-letters';
import type { SweepJobsDeps, SweepResult } from '../core/use-cases/sweep-jobs';
import { sweepJobs } from '../core/use-cases/sweep-jobs';

/** What a sweeper run needs: the index sweep's dependencies, and the DLQs it reconciles first. */
export interface SweeperDeps extends SweepJobsDeps {
  /** Every DLQ of every job type (both lanes), reconciled with the records on every run. */
  readonly deadLetterInboxes: readonly DeadLetterTarget[];
  /**
   * Told of every job the reconciliation ended (Failed, or Canceled), with the record written.
   * @default - nothing is told
   */
  readonly onDeadLetterSettled?: (job: Job) => void;
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
    const deadLetters = await reconcileDeadLetters({
      store: deps.store,
      clock: deps.clock,
      logger: deps.logger,
      deadLetterQueues: deps.deadLetterInboxes,
      retentionSeconds: deps.retentionSeconds,
      ...(deps.onDeadLetterSettled ? { onSettled: deps.onDeadLetterSettled } : {}),
    });
    return { ...(await sweepJobs(deps)), deadLetters };
  };
}
