/**
 * What a job author writes: one `defineJobType` call per file under `lambdas/jobs/`.
 */
import type { JobSettings } from './job-settings';

/** The part of a schema library the core relies on (zod's `safeParse` shape). */
export interface InputSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/** Minimal structured logger; Powertools Logger satisfies it. */
export interface JobLogger {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** What a handler gets besides its input. */
export interface JobContext {
  readonly jobId: string;
  readonly jobName: string;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /**
   * Fires when the deadline passes, when the owner cancels the job, or when this worker lost
   * the job to another; stop work and return or throw (the reason says which).
   */
  readonly signal: AbortSignal;
  /** When the attempt is cut off. */
  readonly deadline: Date;
  readonly logger: JobLogger;
  /**
   * Reports progress (`percent` 0..100, a short `message`; shown on `GET /jobs/{id}`) and
   * renews the lease at once. The lease is also renewed on a timer, so call it for progress,
   * not to stay alive. Never throws.
   */
  heartbeat(progress?: { percent?: number; message?: string }): Promise<void>;
}

export type JobHandler<I, O> = (input: I, context: JobContext) => Promise<O>;

export interface JobTypeDefinition<I = unknown, O = unknown> {
  /** URL-safe name: lower-case letters, digits and dashes, starting with a letter. */
  readonly name: string;
  readonly description: string;
  /** Validates the submitted body before anything is stored. */
  readonly input: InputSchema<I>;
  readonly handler: JobHandler<I, O>;
  /**
   * Overrides of {@link DEFAULT_JOB_SETTINGS}; the stack provisions from them. Declare `kind`
   * (`'io'` or `'cpu'`): it picks memory, timeout, batch and concurrency defaults, and the row
   * of the stage's scale profile the job type gets.
   */
  readonly settings?: Partial<JobSettings>;
}

export const JOB_NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * Declares a job type. Keep heavy handler dependencies behind a dynamic `import()` inside the
 * handler: the CDK app imports this file for its settings and should not load them.
 *
 * @example
 * export default defineJobType({
 *   name: 'resize',
 *   description: 'Resizes an image',
 *   input: z.object({ key: z.string() }),
 *   settings: { kind: 'cpu', timeoutSeconds: 120 },
 *   handler: async ({ key }) => (await import('./resize-impl')).resize(key),
 * });
 */
export function defineJobType<I, O>(definition: JobTypeDefinition<I, O>): JobType<I, O> {
  // Erasing I is safe: the handler only ever receives what its own schema returned.
  return definition as unknown as JobType<I, O>;
}

/**
 * A job type with its input and result types erased for the catalog, but kept as phantom
 * types for typed clients (`InputOf`, `ResultOf`).
 */
export interface JobType<I = unknown, O = unknown> extends JobTypeDefinition {
  readonly __types?: { readonly input: I; readonly result: O };
}

export type InputOf<T> = T extends JobType<infer I, unknown> ? I : never;
export type ResultOf<T> = T extends JobType<unknown, infer O> ? O : never;
