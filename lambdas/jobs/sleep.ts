import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import { defineJobType } from '../core/job-type';

/** Waits `ms` milliseconds, honouring cancellation: a stand-in for I/O-bound work. */
export default defineJobType({
  name: 'sleep',
  description: 'Waits `ms` milliseconds, then returns how long it slept.',
  input: z.object({ ms: z.number().int().min(0).max(600_000) }).strict(),
  settings: { kind: 'io', timeoutSeconds: 60 },
  handler: async ({ ms }, { signal }) => {
    await delay(ms, undefined, { signal });
    return { sleptMs: ms };
  },
});
