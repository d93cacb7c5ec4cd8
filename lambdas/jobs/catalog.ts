/**
 * The job types this deployment runs: one line per job type. The stack creates a queue, a
 * dead-letter queue, a processor and alarms for each; the API accepts each by name.
 */
import type { JobType } from '../core/job-type';
import echo from './echo';
import fail from './fail';
import flaky from './flaky';
import sleep from './sleep';

// `as const`, not `: readonly JobType[]`: each entry keeps its name, input and result types
// for the typed client (client/job-types.ts).
export const jobTypes = [echo, sleep, flaky, fail] as const satisfies readonly JobType[];
