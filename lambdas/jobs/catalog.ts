/**
 * The job types this deployment runs: one line per job type. The stack creates a queue, a
 * dead-letter queue, a processor and alarms for each; the API accepts each by name.
 */
import type { JobType } from '../core/job-type';
import echo from './echo';
import fail from './fail';
import flaky from './flaky';
import sleep from './sleep';

export const jobTypes: readonly JobType[] = [echo, sleep, flaky, fail];
