import * as z from 'zod';
import { defineJobType, type JobContext, type JobType } from '../../lambdas/core/job-type';

/** What a test sets: the handler body of the next run. */
export type JobScript = (context: JobContext) => Promise<unknown>;

/** A job type and the script its handler runs. */
export interface ScriptedJobType {
  script: JobScript;
  readonly definition: JobType;
}

/**
 * A job type named `scripted` whose handler runs the script a test sets last: one definition
 * for a whole file, a different handler body per test.
 *
 * @example
 * const scripted = scriptedJobType();
 * scripted.script = async ({ signal }) => work(signal);
 */
export function scriptedJobType(): ScriptedJobType {
  const holder: ScriptedJobType = {
    script: async () => null,
    definition: defineJobType({
      name: 'scripted',
      description: 'Runs the current test script',
      input: z.object({}),
      handler: async (_input, context): Promise<unknown> => holder.script(context),
    }),
  };
  return holder;
}
