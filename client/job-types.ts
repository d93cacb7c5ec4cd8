/**
 * The job types a client can submit, with their input and result types, inferred from the job
 * catalog (`lambdas/jobs/catalog.ts`) at compile time only: nothing of the catalog, zod or the
 * handlers is loaded at run time.
 */
import type { JobView } from '../lambdas/core/job';
import type { JobSummaryView } from '../lambdas/core/job-summary';
import type { InputOf, ResultOf } from '../lambdas/core/job-type';
import type { jobTypes } from '../lambdas/jobs/catalog';

/** What a client knows of one job type: its input and its result. */
export interface JobTypeShape {
  readonly input: unknown;
  readonly result: unknown;
}

/** Job types by name; {@link JobsClient} is generic over one. */
export type JobTypeMap = Record<string, JobTypeShape>;

type CatalogEntry = (typeof jobTypes)[number];

/** This deployment's job types, from the catalog: `{ echo: { input, result }, sleep: ... }`. */
export type CatalogJobTypes = {
  [E in CatalogEntry as E['name']]: { readonly input: InputOf<E>; readonly result: ResultOf<E> };
};

/** Any job type, input and result unchecked (for tools like the CLI that take names at run time). */
export type UntypedJobTypes = Record<string, { readonly input: unknown; readonly result: unknown }>;

/** A job type name of `M`. */
export type JobNameOf<M extends JobTypeMap> = keyof M & string;

/** A job of type `N`: the API's job JSON with `name` and `result` typed. */
export type JobOf<M extends JobTypeMap, N extends JobNameOf<M> = JobNameOf<M>> =
  N extends JobNameOf<M>
    ? Omit<JobView, 'name' | 'result'> & { readonly name: N; readonly result: M[N]['result'] | null }
    : never;

/** A job of type `N` as `GET /jobs` lists it: a summary, with `href` to the full job. */
export type JobSummaryOf<M extends JobTypeMap, N extends JobNameOf<M> = JobNameOf<M>> =
  N extends JobNameOf<M> ? Omit<JobSummaryView, 'name'> & { readonly name: N } : never;

/** A job of this deployment's catalog; narrow it on `name` to type its `result`. */
export type Job<N extends JobNameOf<CatalogJobTypes> = JobNameOf<CatalogJobTypes>> = JobOf<
  CatalogJobTypes,
  N
>;

/** A job type name of this deployment's catalog. */
export type JobName = JobNameOf<CatalogJobTypes>;

/** The input a job type of the catalog takes. */
export type JobInput<N extends JobName> = CatalogJobTypes[N]['input'];

/** The result a job type of the catalog returns. */
export type JobResult<N extends JobName> = CatalogJobTypes[N]['result'];
