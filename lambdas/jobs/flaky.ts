import * as z from 'zod';
import { defineJobType } from '../core/job-type';

/** Fails transiently on its first `failTimes` attempts, then succeeds: exercises retries. */
export default defineJobType({
  name: 'flaky',
  description: 'Fails transiently on the first `failTimes` attempts, then succeeds.',
  input: z.object({ failTimes: z.number().int().min(0).max(100) }).strict(),
  settings: { kind: 'io', maxRetries: 3, backoffBaseSeconds: 1 },
  handler: async ({ failTimes }, { attempt }) => {
    if (attempt <= failTimes) throw new Error(`Planned transient failure ${attempt} of ${failTimes}`);
    return { succeededOnAttempt: attempt };
  },
});
