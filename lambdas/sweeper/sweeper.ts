/**
 * The recovery sweeper's handler: one scheduled run of {@link sweepJobs}. Thin: the event
 * (EventBridge's scheduled event, or a local timer's call) carries nothing it needs.
 */
import type { SweepJobsDeps, SweepResult } from '../core/use-cases/sweep-jobs';
import { sweepJobs } from '../core/use-cases/sweep-jobs';

/** Builds the handler: every call runs one bounded sweep and returns its counts. */
export function makeSweeperHandler(deps: SweepJobsDeps) {
  return async (_event?: unknown): Promise<SweepResult> => sweepJobs(deps);
}
