/**
 * The modules the local system builds its handlers from: the wiring, the job catalog and the
 * catalog class. `npm start` uses the ones it was started with; `npm run dev` loads fresh copies
 * after each change (`loader.ts`) and hands them to `LocalSystem.reload`.
 */
import { JobCatalog } from '../../lambdas/core/catalog';
import type { JobTypeDefinition } from '../../lambdas/core/job-type';
import { jobTypes } from '../../lambdas/jobs/catalog';
import * as wiring from '../../lambdas/wiring';

/** One generation of handler code. */
export interface HandlerModules {
  /** `lambdas/wiring.ts`: builds every handler from clients and settings. */
  readonly wiring: typeof wiring;
  /** The job types (`lambdas/jobs/catalog.ts`, or a test's). */
  readonly jobTypes: readonly JobTypeDefinition[];
  /** `lambdas/core/catalog.ts`'s class, from the same generation as the job types. */
  readonly JobCatalog: typeof JobCatalog;
}

/** The modules this process was started with. */
export const startupModules: HandlerModules = { wiring, jobTypes, JobCatalog };

/**
 * What a job type's queues, DLQs and event sources were provisioned from: its name and settings.
 * Two generations with different fingerprints cannot be swapped in place.
 */
export function catalogFingerprint(types: readonly JobTypeDefinition[]): Map<string, string> {
  return new Map(types.map((type) => [type.name, JSON.stringify(type.settings ?? {})]));
}
