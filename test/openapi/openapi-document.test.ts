/**
 * The generated OpenAPI document: valid OpenAPI 3.1 by a real validator, one submit operation
 * per job type with that type's input schema, and a response validator that rejects what the
 * document does not allow (so the end-to-end tests' validation can fail).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod';
import type { AttemptRecord } from '../../lambdas/core/attempt-history';
import type { JobView } from '../../lambdas/core/job';
import type { JobSummaryView } from '../../lambdas/core/job-summary';
import type { RedriveResult } from '../../lambdas/core/use-cases/redrive-dead-letters';
import { jobTypes } from '../../lambdas/jobs/catalog';
import type { jobSummarySchema, jobViewSchema, redriveResultSchema } from '../../openapi/api-schemas';
import { buildOpenApiDocument, type JsonObject } from '../../openapi/document';
import { ROUTES } from '../../openapi/routes';
import { openApiResponseValidator } from '../support/openapi-response-validator';

const document = buildOpenApiDocument({ jobTypes });
const validate = openApiResponseValidator(document);

const JOB: JobView = {
  id: '6f1c1f8e-8a4b-4a57-9d7e-2f9b0c4d1e23',
  name: 'flaky',
  status: 'Completed',
  retryCount: 1,
  maxRetries: 3,
  attempt: 2,
  retryDelayUntil: null,
  createdAt: '2026-11-27T16:00:00.000Z',
  startedAt: '2026-11-27T16:00:01.000Z',
  completedAt: '2026-11-27T16:00:01.100Z',
  lastUpdatedAt: '2026-11-27T16:00:01.100Z',
  result: { succeededOnAttempt: 2 },
  error: null,
  priority: 'normal',
  history: [
    {
      attempt: 1,
      startedAt: '2026-11-27T16:00:00.010Z',
      endedAt: '2026-11-27T16:00:00.020Z',
      outcome: 'retry-scheduled',
      errorCode: 'ERROR',
    },
    {
      attempt: 2,
      startedAt: '2026-11-27T16:00:01.000Z',
      endedAt: '2026-11-27T16:00:01.100Z',
      outcome: 'completed',
    },
  ],
  progress: { percent: 100, updatedAt: '2026-11-27T16:00:01.090Z' },
  cancelRequested: false,
};

const SUMMARY: JobSummaryView = {
  id: JOB.id,
  name: JOB.name,
  status: JOB.status,
  createdAt: JOB.createdAt,
  startedAt: JOB.startedAt,
  completedAt: JOB.completedAt,
  href: `/prod/jobs/${JOB.id}`,
};

const json = (extra: Record<string, string> = {}) =>
  new Headers({ 'Content-Type': 'application/json', ...extra });
const problemJson = () => new Headers({ 'Content-Type': 'application/problem+json' });
const problem = (status: number, code: string) =>
  JSON.stringify({ type: `urn:async-endpoints:problem:${code}`, title: 'x', status, detail: 'd', code });

describe('buildOpenApiDocument', () => {
  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents one submit operation per job type, with its input schema from zod', () => {
    for (const { name } of jobTypes) {
      const post = document.paths[`/jobs/${name}`]?.post as JsonObject;
      expect(post).toBeDefined();
      const body = post.requestBody as { content: Record<string, { schema: JsonObject }> };
      const ref = String(body.content['application/json']?.schema.$ref);
      const component = document.components.schemas[ref.replace('#/components/schemas/', '')];
      expect(component).toBeDefined();
    }
    expect(document.components.schemas.SleepInput).toMatchObject({
      type: 'object',
      properties: { ms: { type: 'integer', minimum: 0, maximum: 600_000 } },
      required: ['ms'],
      additionalProperties: false,
    });
  });

  it('has every route of the table, the SigV4 scheme, and an open health check', () => {
    const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
    const ids = operations.map((op) => op.operationId);
    for (const route of ROUTES.filter((r) => r.requestBody !== 'jobInput'))
      expect(ids).toContain(route.operationId);
    expect(document.components.securitySchemes.sigv4).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      'x-amazon-apigateway-authtype': 'awsSigv4',
    });
    expect(document.security).toEqual([{ sigv4: [] }]);
    expect(document.paths['/health']?.get?.security).toEqual([]);
  });

  it('names the given server, or the execute-api URL template', () => {
    expect(buildOpenApiDocument({ jobTypes, serverUrl: 'http://127.0.0.1:3000' }).servers).toEqual([
      { url: 'http://127.0.0.1:3000' },
    ]);
    expect(document.servers[0]?.url).toBe('https://{apiId}.execute-api.{region}.amazonaws.com/{stage}');
  });

  it('keeps the schemas in step with the types the handlers return', () => {
    expectTypeOf<keyof z.output<typeof jobViewSchema>>().toEqualTypeOf<keyof JobView>();
    expectTypeOf<keyof z.output<typeof jobSummarySchema>>().toEqualTypeOf<keyof JobSummaryView>();
    expectTypeOf<keyof z.output<typeof redriveResultSchema>>().toEqualTypeOf<keyof RedriveResult>();
    expectTypeOf<z.output<typeof jobViewSchema>['history'][number]['outcome']>().toEqualTypeOf<
      AttemptRecord['outcome']
    >();
  });
});

describe('openApiResponseValidator', () => {
  const id = JOB.id;

  it('accepts documented answers', () => {
    expect(
      validate({
        method: 'GET',
        path: `/jobs/${id}`,
        status: 200,
        headers: json(),
        body: JSON.stringify(JOB),
      }),
    ).toEqual([]);
    expect(
      validate({
        method: 'POST',
        path: '/jobs/flaky',
        status: 202,
        headers: json({ Location: `/jobs/${id}`, 'Retry-After': '2' }),
        body: JSON.stringify({ ...JOB, status: 'Queued', result: null, history: [], progress: null }),
      }),
    ).toEqual([]);
    const listPage = (item: unknown) =>
      validate({
        method: 'GET',
        path: '/jobs?limit=1',
        status: 200,
        headers: json(),
        body: JSON.stringify({ items: [item], nextCursor: null }),
      });
    expect(listPage(SUMMARY)).toEqual([]);
    // A full job is not a listing item: listings carry summaries.
    expect(listPage(JOB)).not.toEqual([]);
    expect(
      validate({
        method: 'DELETE',
        path: `/jobs/${id}`,
        status: 409,
        headers: problemJson(),
        body: problem(409, 'JOB_ALREADY_FINISHED'),
      }),
    ).toEqual([]);
    expect(
      validate({
        method: 'PUT',
        path: '/nope',
        status: 404,
        headers: problemJson(),
        body: problem(404, 'ROUTE_NOT_FOUND'),
      }),
    ).toEqual([]);
  });

  it.each([
    [
      'an undocumented status',
      { status: 418, headers: json(), body: JSON.stringify(JOB) },
      /status 418 is not documented/,
    ],
    [
      'a wrong Content-Type',
      { status: 200, headers: new Headers({ 'Content-Type': 'text/plain' }), body: JSON.stringify(JOB) },
      /Content-Type text\/plain/,
    ],
    [
      'a field the schema does not have',
      { status: 200, headers: json(), body: JSON.stringify({ ...JOB, extra: 1 }) },
      /additional properties/,
    ],
    [
      'a missing field',
      { status: 200, headers: json(), body: JSON.stringify({ ...JOB, status: undefined }) },
      /must have required property 'status'/,
    ],
    [
      'a bad status value',
      { status: 200, headers: json(), body: JSON.stringify({ ...JOB, status: 'Done' }) },
      /allowed values/,
    ],
    [
      'a malformed timestamp',
      { status: 200, headers: json(), body: JSON.stringify({ ...JOB, createdAt: 'yesterday' }) },
      /createdAt/,
    ],
    [
      'a problem without its code',
      {
        status: 404,
        headers: problemJson(),
        body: JSON.stringify({ type: 'x', title: 't', status: 404, detail: 'd' }),
      },
      /required property 'code'/,
    ],
    ['a body that is not JSON', { status: 200, headers: json(), body: '<html>' }, /not JSON/],
  ])('rejects %s', (_name, exchange, message) => {
    const problems = validate({ method: 'GET', path: `/jobs/${id}`, ...exchange });
    expect(problems.join('\n')).toMatch(message);
  });

  it('rejects a 202 without its Location header, and a non-problem answer to an unknown route', () => {
    const accepted = validate({
      method: 'POST',
      path: '/jobs/echo',
      status: 202,
      headers: json({ 'Retry-After': '2' }),
      body: JSON.stringify({ ...JOB, name: 'echo' }),
    });
    expect(accepted.join('\n')).toMatch(/required header Location is missing/);
    expect(
      validate({ method: 'GET', path: '/nope', status: 200, headers: json(), body: '{}' }).length,
    ).toBeGreaterThan(0);
  });
});
