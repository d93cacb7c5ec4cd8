/**
 * The modules the local system builds its handlers from: the wiring, the job catalog and the
 * catalog class. `npm start` uses the ones it was started with; `npm run dev` loads fresh copies
 * after each change (`loader.ts`) and hands them to `LocalSystem.reload`.
 */
import { JobCatalog } from '../../lambdas/core/catalog';
import type { JobTypeDefinition } from '../../lambdas/core/job-type';
import { jobTypes } from '../../lambdas/jobs/catalog';
import * as wiring from '../../lambdas/wiring';
import { ReloadRefusedError } from './reload-refused-error';

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
 * Refuses a generation whose job types differ from the running one's in name or settings: each
 * job type's queues, DLQs and event sources were provisioned from them at start.
 * @throws ReloadRefusedError naming each job type added, removed or re-configured
 */
export function checkSameJobTypes(running: HandlerModules, next: HandlerModules): void {
  const before = fingerprint(running.jobTypes);
  const after = fingerprint(next.jobTypes);
  const added = [...after.keys()].filter((name) => !before.has(name));
  const removed = [...before.keys()].filter((name) => !after.has(name));
  const changed = [...after.keys()].filter(
    (name) => before.has(name) && before.get(name) !== after.get(name),
  );
  const problems = [
    ...(added.length ? [`adds ${added.join(', ')}`] : []),
    ...(removed.length ? [`removes ${removed.join(', ')}`] : []),
    ...(changed.length ? [`changes the settings of ${changed.join(', ')}`] : []),
  ];
  if (problems.length > 0) throw new ReloadRefusedError(problems.join('; '));
}

/** Each job type's settings by name. */
function fingerprint(types: readonly JobTypeDefinition[]): Map<string, string> {
  return new Map(types.map((type) => [type.name, JSON.stringify(type.settings ?? {})]));
}
