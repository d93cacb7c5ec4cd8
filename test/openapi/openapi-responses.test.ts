/**
 * The document covers what the handlers really answer: every problem `errorResponse` gives on
 * each route that can give it (headers included), the request parameters submit reads, and the
 * API key where the stage requires one.
 */
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../lambdas/api/problem';
import { RequestError } from '../../lambdas/api/request-errors';
import * as errors from '../../lambdas/core/errors';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { buildOpenApiDocument, type JsonObject } from '../../openapi/document';
import { openApiResponseValidator } from '../support/openapi-response-validator';

const document = buildOpenApiDocument({ jobTypes });
const validate = openApiResponseValidator(document);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const ID = '6f1c1f8e-8a4b-4a57-9d7e-2f9b0c4d1e23';

/** What the SDK throws when DynamoDB or SQS throttles, after its own retries. */
const throttled = Object.assign(new Error('Rate exceeded'), {
  name: 'ThrottlingException',
  $fault: 'client',
  $metadata: { httpStatusCode: 400 },
});

const input = new errors.InvalidInputError('Invalid input', [{ path: '$.ms', message: 'Required' }]);
const unavailable = [throttled, new Error('unexpected')];

/** Errors each route's handler can map to an answer, by `METHOD path`. */
const ANSWERS: Record<string, readonly unknown[]> = {
  'POST /jobs/sleep': [
    new RequestError(400, 'INVALID_JSON', 'not JSON'),
    new RequestError(400, 'INVALID_PRIORITY', 'bad priority'),
    new RequestError(413, 'BODY_TOO_LARGE', 'too large'),
    new RequestError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send JSON'),
    input,
    new errors.PriorityNotEnabledError('sleep'),
    new errors.UnknownJobTypeError('nope'),
    new errors.JobTooLargeError(500_000, 400_000),
    new errors.IdempotencyKeyMismatchError(ID),
    new errors.BacklogFullError('sleep', 12, 10, 10),
    new errors.EnqueueFailedError(ID),
    ...unavailable,
  ],
  [`GET /jobs/${ID}`]: [new errors.JobNotFoundError(ID), ...unavailable],
  [`DELETE /jobs/${ID}`]: [
    new errors.JobNotFoundError(ID),
    new errors.JobAlreadyFinishedError(ID, 'Completed'),
    ...unavailable,
  ],
  'GET /jobs?limit=0': [
    new errors.InvalidQueryError('Invalid query', []),
    new errors.InvalidCursorError(),
    ...unavailable,
  ],
  [`POST /jobs/${ID}/retry`]: [
    new errors.JobNotFoundError(ID),
    new errors.JobNotFailedError(ID, 'Queued'),
    new errors.EnqueueFailedError(ID),
    ...unavailable,
  ],
  'POST /admin/jobs/sleep/redrive': [
    input,
    new RequestError(413, 'BODY_TOO_LARGE', 'too large'),
    new RequestError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send JSON'),
    new errors.UnknownJobTypeError('nope'),
    ...unavailable,
  ],
};

const cases = Object.entries(ANSWERS).flatMap(([route, errors]) =>
  errors.map((error) => {
    const [method = '', path = ''] = route.split(' ');
    return { route, method, path, error, name: (error as { code?: string }).code ?? (error as Error).name };
  }),
);

function parameters(path: string, method: string): JsonObject[] {
  return (document.paths[path]?.[method]?.parameters ?? []) as JsonObject[];
}

describe('the OpenAPI document and the handlers', () => {
  it.each(cases)('documents $route answering $name', ({ method, path, error }) => {
    const response = errorResponse(error, quiet);
    const headers = new Headers(response.headers as Record<string, string>);
    expect(validate({ method, path, status: response.statusCode, headers, body: response.body })).toEqual([]);
  });

  it('documents Retry-After on 429 BACKLOG_FULL and on every 503, and rejects a 503 without it', () => {
    const backlog = errorResponse(new errors.BacklogFullError('sleep', 12, 10, 10), quiet);
    expect(backlog.headers?.['Retry-After']).toBe('10');
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const responses = operation.responses as Record<string, JsonObject>;
        if (path === '/health') continue;
        expect(responses['503']?.headers, `${method} ${path}`).toMatchObject({
          'Retry-After': { required: true },
        });
      }
    }
    expect(document.paths['/jobs/sleep']?.post?.responses).toMatchObject({
      429: { headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } } },
    });
    const unavailableAnswer = errorResponse(throttled, quiet);
    const { 'Retry-After': _, ...withoutRetryAfter } = unavailableAnswer.headers as Record<string, string>;
    expect(
      validate({
        method: 'GET',
        path: `/jobs/${ID}`,
        status: 503,
        headers: new Headers(withoutRetryAfter),
        body: unavailableAnswer.body,
      }).join('\n'),
    ).toMatch(/required header Retry-After is missing/);
    expect(
      validate({
        method: 'POST',
        path: '/jobs/sleep',
        status: 429,
        headers: new Headers({ ...backlog.headers, 'Retry-After': 'soon' } as Record<string, string>),
        body: backlog.body,
      }).join('\n'),
    ).toMatch(/header Retry-After: "soon" value must match pattern/);
  });

  it('rejects a problem a route cannot give', () => {
    const tooLarge = errorResponse(new RequestError(413, 'BODY_TOO_LARGE', 'too large'), quiet);
    const problems = validate({
      method: 'GET',
      path: `/jobs/${ID}`,
      status: 413,
      headers: new Headers(tooLarge.headers as Record<string, string>),
      body: tooLarge.body,
    });
    expect(problems.join('\n')).toMatch(/status 413 is not documented/);
  });

  it('documents the request parameters submit reads, on every job type', () => {
    for (const { name } of jobTypes) {
      const names = parameters(`/jobs/${name}`, 'post').map((p) => `${p.in} ${p.name}`);
      expect(names.sort()).toEqual([
        'header Idempotency-Key',
        'header Priority',
        'header X-Async-Request-Id',
        'query priority',
      ]);
    }
    const query = parameters('/jobs/sleep', 'post').find((p) => p.in === 'query');
    expect(query?.schema).toEqual({ type: 'string', enum: ['high', 'normal'] });
  });

  it('gives path parameters only to templated paths', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const operation of Object.values(item)) {
        const inPath = ((operation.parameters ?? []) as JsonObject[]).filter((p) => p.in === 'path');
        expect(inPath.map((p) => `{${p.name}}`)).toEqual(path.match(/\{\w+\}/g) ?? []);
      }
    }
  });

  it('asks for x-api-key on the job routes only when the stage enables API keys', () => {
    expect(document.components.securitySchemes.apiKey).toBeUndefined();
    const withKeys = buildOpenApiDocument({ jobTypes, apiKeys: true });
    expect(withKeys.components.securitySchemes.apiKey).toEqual(
      expect.objectContaining({ type: 'apiKey', in: 'header', name: 'x-api-key' }),
    );
    const both = [{ sigv4: [], apiKey: [] }];
    expect(withKeys.paths['/jobs/sleep']?.post?.security).toEqual(both);
    expect(withKeys.paths['/jobs/{nameOrId}']?.get?.security).toEqual(both);
    expect(withKeys.paths['/jobs']?.get?.security).toEqual(both);
    // The admin route is IAM only; health is open.
    expect(withKeys.paths['/admin/jobs/{name}/redrive']?.post?.security).toBeUndefined();
    expect(withKeys.paths['/health']?.get?.security).toEqual([]);
    expect(document.paths['/jobs/sleep']?.post?.security).toBeUndefined();
  });

  it('is still valid OpenAPI 3.1 with API keys on', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const withKeys = buildOpenApiDocument({ jobTypes, apiKeys: true });
    const result = await validator.validate(withKeys as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
