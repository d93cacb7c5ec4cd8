import * as z from 'zod';
import { PermanentJobError } from '../core/errors';
import { defineJobType } from '../core/job-type';

/** Always fails, permanently (no retry) or transiently (retried until exhausted). */
export default defineJobType({
  name: 'fail',
  description: 'Always fails: permanently (no retry) or transiently (retried until exhausted).',
  input: z.object({ permanent: z.boolean() }).strict(),
  settings: { kind: 'io', maxRetries: 2, backoffBaseSeconds: 1 },
  handler: async ({ permanent }): Promise<never> => {
    if (permanent) throw new PermanentJobError('Planned permanent failure', { code: 'PLANNED_FAILURE' });
    throw new Error('Planned transient failure');
  },
});
