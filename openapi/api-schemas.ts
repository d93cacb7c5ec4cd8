/**
 * The API's own JSON shapes as zod schemas: the source of the OpenAPI document's components.
 * Each is checked against the TypeScript type the handlers return (`satisfies`, and a key-set
 * test in test/openapi), so the document cannot drift from the code without failing tsc.
 */
import * as z from 'zod';
import type { AttemptRecord } from '../lambdas/core/attempt-history';
import type { JobErrorInfo, JobProgress, JobView } from '../lambdas/core/job';
import { JobStatus } from '../lambdas/core/job-status';
import type { JobSummaryView } from '../lambdas/core/job-summary';
import { MAX_LIST_LIMIT } from '../lambdas/core/use-cases/list-jobs';
import {
  REDRIVE_MAX_LIMIT,
  REDRIVE_RATE_LIMIT,
  type RedriveResult,
} from '../lambdas/core/use-cases/redrive-dead-letters';

/** Job ids as the API writes them: lower-case UUIDs. */
export const JOB_ID_JSON_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
/** Job ids as the API reads them: UUIDs in either case. */
export const JOB_ID_PARAMETER_PATTERN =
  '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
/** Job type names (`JOB_NAME_PATTERN` of the core, as JSON Schema writes it). */
export const JOB_NAME_JSON_PATTERN = '^[a-z][a-z0-9-]{0,39}$';

const timestamp = z.iso.datetime().describe('ISO 8601 time, UTC');
const jobId = z.string().regex(new RegExp(JOB_ID_JSON_PATTERN)).describe('The job id (a UUID)');

/** A job's status (`lambdas/core/job-status.ts`). */
export const jobStatusSchema = z.enum(JobStatus).describe('Completed, Failed and Canceled are final');

const attemptRecordSchema = z
  .strictObject({
    attempt: z.int().min(1),
    startedAt: timestamp.optional(),
    endedAt: timestamp.optional(),
    outcome: z.enum(['completed', 'retry-scheduled', 'failed', 'canceled', 'abandoned']),
    errorCode: z.string().optional(),
  })
  .describe('One finished attempt') satisfies z.ZodType<AttemptRecord>;

const jobErrorSchema = z
  .strictObject({ code: z.string(), message: z.string() })
  .describe(
    'Why the job (or its last attempt) failed; never a stack trace',
  ) satisfies z.ZodType<JobErrorInfo>;

const progressSchema = z
  .strictObject({
    percent: z.number().min(0).max(100).optional(),
    message: z.string().optional(),
    updatedAt: timestamp,
  })
  .describe("The running handler's last heartbeat") satisfies z.ZodType<JobProgress>;

/** The job JSON every job route returns (`toJobView`). */
export const jobViewSchema = z
  .strictObject({
    id: jobId,
    name: z.string().regex(new RegExp(JOB_NAME_JSON_PATTERN)).describe('The job type'),
    status: jobStatusSchema,
    retryCount: z.int().min(0).describe('Retries scheduled so far'),
    maxRetries: z.int().min(0).describe('Retries allowed after the first attempt'),
    attempt: z
      .int()
      .min(0)
      .describe(
        'Attempts so far: each claim, plus one for deliveries SQS dead-lettered before any claim (RECEIVE_LIMIT_EXCEEDED)',
      ),
    retryDelayUntil: timestamp.nullable().describe('When a Scheduled job runs again'),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    completedAt: timestamp.nullable(),
    lastUpdatedAt: timestamp,
    result: z.unknown().describe("The handler's return value once Completed (any JSON), else null"),
    error: jobErrorSchema.nullable(),
    history: z.array(attemptRecordSchema).describe('Finished attempts, oldest first (at most 25)'),
    progress: progressSchema.nullable(),
    cancelRequested: z.boolean().describe('The owner asked to cancel the job while it ran'),
    priority: z.enum(['normal', 'high']).describe('The lane the job runs in (`Priority: high` on submit)'),
    resultUrl: z
      .url()
      .optional()
      .describe('A result too large to inline: a presigned S3 GET URL, short-lived (`result` is then null)'),
    resultUrlExpiresAt: timestamp.optional().describe('When `resultUrl` stops working'),
  })
  .describe('A job: its status, and its result or error once finished') satisfies z.ZodType<JobView>;

/** What `GET /jobs` shows of each job (`toJobSummaryView`): the full job is behind `href`. */
export const jobSummarySchema = z
  .strictObject({
    id: jobId,
    name: z.string().regex(new RegExp(JOB_NAME_JSON_PATTERN)).describe('The job type'),
    status: jobStatusSchema,
    createdAt: timestamp,
    startedAt: timestamp.nullable().describe('When the latest attempt started'),
    completedAt: timestamp.nullable().describe('When the job finished'),
    href: z.string().describe("The job's path (`GET` it for the full job: result, error, progress, history)"),
  })
  .describe('A job in a listing: a summary with a link to the full job') satisfies z.ZodType<JobSummaryView>;

/** `GET /jobs`: one page of the caller's jobs. */
export const jobPageSchema = z
  .strictObject({
    items: z.array(jobSummarySchema).max(MAX_LIST_LIMIT),
    nextCursor: z.string().nullable().describe('Pass back as `cursor` for the next page; null on the last'),
  })
  .describe("A page of the caller's jobs, newest first");

/** Our RFC 9457 problem document (`lambdas/api/problem.ts`); extension members are allowed. */
export const problemSchema = z
  .looseObject({
    type: z.string().describe('A URI naming the problem: urn:async-endpoints:problem:<code>'),
    title: z.string(),
    status: z.int().min(400).max(599),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string().describe('Stable machine-readable code, e.g. INVALID_INPUT'),
    errors: z
      .array(z.strictObject({ path: z.string(), message: z.string() }))
      .optional()
      .describe('Each offending field (`$.a.b`) or query parameter'),
    jobId: z.string().optional(),
    jobStatus: jobStatusSchema.optional(),
    maxBacklog: z.int().min(1).optional().describe("BACKLOG_FULL: the job type's backlog limit"),
    setting: z.string().optional().describe('PRIORITY_NOT_ENABLED: the job setting that enables the lane'),
  })
  .describe('RFC 9457 problem details');

/**
 * API Gateway's own errors (unsigned request, throttling, integration failure), as the stack's
 * gateway responses write them: no `status` or `code` (no template variable carries them).
 */
export const gatewayProblemSchema = z
  .looseObject({ type: z.string(), title: z.string(), detail: z.string() })
  .describe('RFC 9457 problem details written by API Gateway itself (auth, throttling)');

/** `POST /admin/jobs/{name}/redrive` body. */
export const redriveRequestSchema = z
  .strictObject({
    jobIds: z
      .array(z.string().regex(new RegExp(JOB_ID_PARAMETER_PATTERN)))
      .min(1)
      .max(REDRIVE_MAX_LIMIT)
      .optional()
      .describe('Only these jobs; every dead letter when absent'),
    max: z.int().min(1).max(REDRIVE_MAX_LIMIT).optional().describe('Most messages to handle (default 100)'),
    ratePerSecond: z
      .number()
      .gt(0)
      .max(REDRIVE_RATE_LIMIT)
      .optional()
      .describe('Most messages per second (default 50)'),
  })
  .describe("Which of the job type's dead letters to move back");

/** `POST /admin/jobs/{name}/redrive` answer. */
export const redriveResultSchema = z
  .strictObject({
    moved: z.int().min(0).describe('Jobs re-queued'),
    stale: z.int().min(0).describe('Dead letters of jobs no longer Failed, deleted'),
    skipped: z.int().min(0).describe('Dead letters left in the DLQ'),
    notFound: z.int().min(0).describe('Dead letters of expired jobs, deleted'),
    errors: z.int().min(0).describe('Dead letters that could not be handled, left'),
    complete: z.boolean().describe('False when max or the time budget stopped the run: call again'),
    stoppedBy: z.enum(['drained', 'all-selected', 'max', 'time-budget']),
  })
  .describe('What a redrive run did') satisfies z.ZodType<RedriveResult>;

/** `GET /health`. */
export const healthSchema = z.strictObject({ status: z.literal('ok') });

/** The components, by the name the document gives them. */
export const API_SCHEMAS = {
  JobStatus: jobStatusSchema,
  Job: jobViewSchema,
  JobSummary: jobSummarySchema,
  JobPage: jobPageSchema,
  Problem: problemSchema,
  GatewayProblem: gatewayProblemSchema,
  RedriveRequest: redriveRequestSchema,
  RedriveResult: redriveResultSchema,
  Health: healthSchema,
} as const;

/** A component name of {@link API_SCHEMAS}. */
export type ApiSchemaName = keyof typeof API_SCHEMAS;
