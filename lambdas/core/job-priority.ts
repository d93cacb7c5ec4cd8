/**
 * A job's priority as data. Below the job record and the ports: `job.ts` reads it, and the
 * lane routing in `priority.ts` (which imports the record and the ports) builds on it, so
 * imports point one way.
 */

/** A job's priority, as data: `high` jobs use their type's high-priority queue. */
export const JobPriority = { Normal: 'normal', High: 'high' } as const;
export type JobPriority = (typeof JobPriority)[keyof typeof JobPriority];

/** A job's priority; records written before priorities existed are normal. */
export function priorityOf(job: { readonly priority?: JobPriority }): JobPriority {
  return job.priority ?? JobPriority.Normal;
}
