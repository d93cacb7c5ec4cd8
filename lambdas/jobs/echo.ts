import * as z from 'zod';
import { defineJobType } from '../core/job-type';

/** Returns its input as the result: the smallest job, for smoke tests and docs. */
export default defineJobType({
  name: 'echo',
  description: 'Returns its input (any JSON object) as the result.',
  input: z.record(z.string(), z.unknown()),
  settings: { kind: 'io' },
  handler: async (input) => input,
});
