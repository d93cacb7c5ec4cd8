/**
 * The API's routes as data: the one table the OpenAPI document is generated from. Tests hold
 * it equal to the routes the stack creates (lib/constructs/job-api.ts) and to those the local
 * server answers (local/api-server.ts).
 */
import type { ApiSchemaName } from './api-schemas';

/** HTTP methods the API uses. */
export type RouteMethod = 'GET' | 'POST' | 'DELETE';

/** Response headers the API sets. */
export type ResponseHeaderName = 'Location' | 'Retry-After';

/** One documented response of a route. */
export interface RouteResponse {
  readonly status: number;
  readonly description: string;
  /** Component of the body; `Problem` answers are `application/problem+json`. */
  readonly body: ApiSchemaName | 'GatewayOrApiProblem';
  /** Headers always present on this response. */
  readonly headers?: readonly ResponseHeaderName[];
  /** Headers present on some of these responses. */
  readonly optionalHeaders?: readonly ResponseHeaderName[];
}

/** One route of the API. */
export interface Route {
  readonly operationId: string;
  readonly method: RouteMethod;
  /** The API Gateway resource path, with `{variables}`. */
  readonly path: string;
  /** `iam`: SigV4-signed (`execute-api:Invoke`); `none`: open. */
  readonly auth: 'iam' | 'none';
  readonly summary: string;
  readonly description: string;
  /**
   * The request body: the job type's input (one documented operation per job type), or a component.
   * @default no body
   */
  readonly requestBody?: 'jobInput' | ApiSchemaName;
  /** `GET /jobs` query parameters. */
  readonly listQuery?: true;
  /** `Idempotency-Key` and `X-Async-Request-Id` request headers. */
  readonly idempotencyHeaders?: true;
  /** The `Priority` request header and the `?priority=` query parameter. */
  readonly priority?: true;
  /**
   * The route also takes an API key (`x-api-key`) when the stage enables `apiKeys`
   * (`apiKeyRequired` in lib/constructs/job-api.ts).
   */
  readonly apiKey?: true;
  readonly responses: readonly RouteResponse[];
}

/** Every handler answers this when DynamoDB, SQS or S3 is throttling or unreachable (`errorResponse`). */
const SERVICE_UNAVAILABLE: RouteResponse = {
  status: 503,
  description:
    'SERVICE_UNAVAILABLE: a dependency is throttling or unreachable; repeat the same request after Retry-After seconds',
  body: 'Problem',
  headers: ['Retry-After'],
};

/** Answers every IAM-authorized route can give besides its own. */
export const COMMON_IAM_RESPONSES: readonly RouteResponse[] = [
  {
    status: 403,
    description:
      'Not signed, wrongly signed or not allowed, or a missing or unknown API key where the stage requires one (API Gateway); or no usable caller identity (INVALID_CALLER_IDENTITY)',
    body: 'GatewayOrApiProblem',
  },
  {
    status: 429,
    description:
      "Throttled by the stage or the API key's usage plan, or its daily quota is spent (API Gateway)",
    body: 'GatewayOrApiProblem',
  },
  {
    status: 500,
    description: 'Unexpected failure; no detail reaches the client',
    body: 'GatewayOrApiProblem',
  },
  SERVICE_UNAVAILABLE,
  { status: 504, description: 'The integration timed out (API Gateway)', body: 'GatewayProblem' },
];

const job202 = {
  status: 202,
  body: 'Job',
  headers: ['Location', 'Retry-After'],
} as const;

/** Every route of the API, in the order docs/http-contract.md lists them. */
export const ROUTES: readonly Route[] = [
  {
    operationId: 'submitJob',
    method: 'POST',
    path: '/jobs/{nameOrId}',
    auth: 'iam',
    summary: 'Submit a job',
    description:
      "Validates the body against the job type's schema, stores the job and queues it. Poll the Location until the status is Completed, Failed or Canceled, waiting Retry-After seconds between polls.",
    requestBody: 'jobInput',
    idempotencyHeaders: true,
    priority: true,
    apiKey: true,
    responses: [
      { ...job202, description: 'Accepted: the job is Queued' },
      {
        status: 200,
        description: 'A replay of an earlier submission with the same Idempotency-Key and body: the same job',
        body: 'Job',
        headers: ['Location', 'Retry-After'],
      },
      {
        status: 400,
        description:
          'INVALID_JSON, JSON_TOO_DEEP, INVALID_INPUT (errors names each field), INVALID_IDEMPOTENCY_KEY, INVALID_PRIORITY, or PRIORITY_NOT_ENABLED (high priority asked of a job type without a high-priority lane)',
        body: 'Problem',
      },
      { status: 404, description: 'UNKNOWN_JOB_TYPE', body: 'Problem' },
      { status: 413, description: 'BODY_TOO_LARGE', body: 'Problem' },
      { status: 415, description: 'UNSUPPORTED_MEDIA_TYPE: send application/json', body: 'Problem' },
      {
        status: 422,
        description: 'IDEMPOTENCY_KEY_MISMATCH: the key was used with another body',
        body: 'Problem',
      },
      {
        status: 429,
        description:
          "BACKLOG_FULL: the job type's queue already holds maxBacklog jobs; nothing was stored; submit again after Retry-After seconds. Or throttled by the stage or the API key's usage plan (API Gateway, no Retry-After)",
        body: 'GatewayOrApiProblem',
        optionalHeaders: ['Retry-After'],
      },
      {
        status: 503,
        description: `ENQUEUE_FAILED: stored but not queued; repeat with the same Idempotency-Key. Or ${SERVICE_UNAVAILABLE.description}`,
        body: 'Problem',
        headers: ['Retry-After'],
      },
    ],
  },
  {
    operationId: 'getJob',
    apiKey: true,
    method: 'GET',
    path: '/jobs/{nameOrId}',
    auth: 'iam',
    summary: 'Read a job',
    description: "The caller's job: its status, progress, and its result or error once finished.",
    responses: [
      {
        status: 200,
        description: 'The job; Retry-After (seconds) while it is not finished',
        body: 'Job',
        optionalHeaders: ['Retry-After'],
      },
      {
        status: 404,
        description: "JOB_NOT_FOUND: unknown, expired, malformed, or another caller's job",
        body: 'Problem',
      },
    ],
  },
  {
    operationId: 'cancelJob',
    apiKey: true,
    method: 'DELETE',
    path: '/jobs/{nameOrId}',
    auth: 'iam',
    summary: 'Cancel a job',
    description:
      'A Queued or Scheduled job is Canceled at once (200); an InProgress job is stopped by its worker (202: poll until Canceled).',
    responses: [
      { status: 200, description: 'Canceled now', body: 'Job' },
      { status: 202, description: 'Running: its worker will stop it (cancelRequested: true)', body: 'Job' },
      { status: 404, description: 'JOB_NOT_FOUND', body: 'Problem' },
      { status: 409, description: 'JOB_ALREADY_FINISHED (jobId, jobStatus)', body: 'Problem' },
    ],
  },
  {
    operationId: 'listJobs',
    apiKey: true,
    method: 'GET',
    path: '/jobs',
    auth: 'iam',
    summary: "List the caller's jobs",
    description:
      'Newest first. Pass nextCursor back as cursor for the next page; only nextCursor: null ends the list (a page may be short and still carry a cursor).',
    listQuery: true,
    responses: [
      { status: 200, description: 'One page', body: 'JobPage' },
      {
        status: 400,
        description: 'INVALID_QUERY (errors names each parameter) or INVALID_CURSOR',
        body: 'Problem',
      },
    ],
  },
  {
    operationId: 'retryJob',
    apiKey: true,
    method: 'POST',
    path: '/jobs/{nameOrId}/retry',
    auth: 'iam',
    summary: 'Retry a Failed job',
    description: "Re-queues the caller's Failed job with its full maxRetries; its history is kept.",
    responses: [
      { ...job202, description: 'Queued again' },
      { status: 404, description: 'JOB_NOT_FOUND', body: 'Problem' },
      { status: 409, description: 'JOB_NOT_FAILED (jobId, jobStatus)', body: 'Problem' },
      {
        status: 503,
        description: `ENQUEUE_FAILED: still Failed; retry again after Retry-After seconds. Or ${SERVICE_UNAVAILABLE.description}`,
        body: 'Problem',
        headers: ['Retry-After'],
      },
    ],
  },
  {
    operationId: 'redriveDeadLetters',
    method: 'POST',
    path: '/admin/jobs/{name}/redrive',
    auth: 'iam',
    summary: "Admin: move a job type's dead letters back to its queue",
    description:
      'Resets each dead-lettered Failed job to Queued and re-sends it, all of them or only jobIds, up to max at ratePerSecond, within a 20 s budget: call again while complete is false.',
    requestBody: 'RedriveRequest',
    responses: [
      { status: 200, description: 'What the run did', body: 'RedriveResult' },
      {
        status: 400,
        description: 'INVALID_INPUT (errors names each field) or INVALID_JSON',
        body: 'Problem',
      },
      { status: 404, description: 'UNKNOWN_JOB_TYPE', body: 'Problem' },
      { status: 413, description: 'BODY_TOO_LARGE', body: 'Problem' },
      { status: 415, description: 'UNSUPPORTED_MEDIA_TYPE', body: 'Problem' },
    ],
  },
  {
    operationId: 'health',
    method: 'GET',
    path: '/health',
    auth: 'none',
    summary: 'Liveness probe',
    description: 'Unauthenticated; touches no data.',
    responses: [
      { status: 200, description: 'Up', body: 'Health' },
      // The stage's throttle covers every method, this one too.
      { status: 429, description: 'Throttled by the stage (API Gateway)', body: 'GatewayProblem' },
    ],
  },
];
