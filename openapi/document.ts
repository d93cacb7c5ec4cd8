/**
 * Builds the API's OpenAPI 3.1 document from the route table (`routes.ts`), the API's zod
 * schemas (`api-schemas.ts`) and each job type's input schema, so it cannot be edited by hand
 * out of step with the code. `GET /openapi.json` serves it locally; `npx async-endpoints
 * openapi` prints it.
 */
import * as z from 'zod';
import type { JobTypeDefinition } from '../lambdas/core/job-type';
import { DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from '../lambdas/core/use-cases/list-jobs';
import { version } from '../package.json';
import { API_SCHEMAS, JOB_NAME_JSON_PATTERN } from './api-schemas';
import {
  COMMON_IAM_RESPONSES,
  type ResponseHeaderName,
  ROUTES,
  type Route,
  type RouteResponse,
} from './routes';

/** A JSON Schema or OpenAPI object, as plain JSON. */
export type JsonObject = { [key: string]: unknown };

/** The parts of an OpenAPI 3.1 document this generator writes. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: JsonObject;
  readonly servers: readonly JsonObject[];
  readonly security: readonly JsonObject[];
  readonly tags: readonly JsonObject[];
  readonly paths: Record<string, Record<string, JsonObject>>;
  readonly components: {
    readonly schemas: Record<string, JsonObject>;
    readonly securitySchemes: Record<string, JsonObject>;
    readonly headers: Record<string, JsonObject>;
  };
}

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  /** The job types whose submissions are documented, one operation each. */
  readonly jobTypes: readonly JobTypeDefinition[];
  /**
   * The API's base URL (the stage URL on AWS, `http://127.0.0.1:3000` locally).
   * @default the execute-api URL template, with apiId, region and stage as server variables
   */
  readonly serverUrl?: string;
  /**
   * The stage requires an API key (`apiKeys.enabled` in the stage config): the job routes then
   * ask for the `x-api-key` header as well as the SigV4 signature.
   * @default false
   */
  readonly apiKeys?: boolean;
}

/**
 * The response headers' components. `required` is the header's own: a response refers to the
 * component where it needs the same, and writes the header out where it does not (a reference
 * cannot override `required`). `Location` is on every response that has it.
 */
const HEADERS: Record<ResponseHeaderName, JsonObject> = {
  Location: {
    description: "Where the job's status lives: GET it to poll",
    required: true,
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds to wait before the next poll, or before repeating a refused request (429, 503)',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};

const SIGV4 = 'sigv4';
const API_KEY = 'apiKey';
const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const JSON_MEDIA_TYPE = 'application/json';

/**
 * @example
 * const document = buildOpenApiDocument({ jobTypes, serverUrl: 'http://127.0.0.1:3000' });
 * @throws Error when a job type's name would collide with another route
 */
export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  const inputComponents = new Map<string, JobTypeDefinition>();
  const paths: Record<string, Record<string, JsonObject>> = {};
  const add = (path: string, method: string, operation: JsonObject) => {
    paths[path] ??= {};
    const item = paths[path];
    if (item[method]) throw new Error(`Two operations for ${method.toUpperCase()} ${path}`);
    item[method] = operation;
  };

  for (const route of ROUTES) {
    if (route.requestBody === 'jobInput') {
      // One operation per job type: each documents its own input schema.
      for (const jobType of options.jobTypes) {
        const component = `${pascal(jobType.name)}Input`;
        inputComponents.set(component, jobType);
        const path = route.path.replace('{nameOrId}', jobType.name);
        add(path, route.method.toLowerCase(), {
          ...operation(route, `submit${pascal(jobType.name)}Job`, options, path),
          summary: `Submit a job of type ${jobType.name}`,
          description: `${jobType.description}\n\n${route.description}`,
          tags: ['jobs', 'submit'],
          requestBody: {
            required: true,
            content: { [JSON_MEDIA_TYPE]: { schema: ref(component) } },
          },
        });
      }
    } else {
      add(route.path, route.method.toLowerCase(), operation(route, route.operationId, options));
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'async-endpoints',
      version,
      description:
        'Asynchronous job endpoints: submit a job, then poll it until Completed, Failed or Canceled. Errors are RFC 9457 problem documents. Generated from the route table and the zod schemas; do not edit.',
      // The project, not a person: a published document carries no personal data.
      contact: { name: 'async-endpoints maintainers' },
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      options.serverUrl
        ? { url: options.serverUrl }
        : {
            url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
            description: 'The stack output ApiUrl',
            variables: {
              apiId: { default: 'abcdef1234', description: 'The REST API id' },
              region: { default: 'us-east-1' },
              stage: { default: 'prod', description: 'apiStageName in cdk.json' },
            },
          },
    ],
    security: [{ [SIGV4]: [] }],
    tags: [
      { name: 'jobs', description: "The caller's jobs" },
      { name: 'submit', description: 'One submit operation per job type' },
      { name: 'admin', description: 'Operator routes, granted separately' },
    ],
    paths,
    components: {
      schemas: { ...schemaComponents('output', API_SCHEMAS), ...jobInputComponents(inputComponents) },
      securitySchemes: {
        [SIGV4]: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            "AWS Signature Version 4 for the execute-api service (the API uses IAM authorization): sign each request with the caller's AWS credentials; the caller needs execute-api:Invoke on the route. The signing principal owns the jobs it submits. The local mode (npm start) takes unsigned requests and names the caller with the X-Local-Principal header instead.",
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
        ...(options.apiKeys
          ? {
              [API_KEY]: {
                type: 'apiKey',
                in: 'header',
                name: 'x-api-key',
                description:
                  "The caller's API Gateway API key, sent with the SigV4 signature on the job routes: its usage plan sets the caller's rate limit, burst and daily quota.",
              },
            }
          : {}),
      },
      headers: { ...HEADERS },
    },
  };
}

function operation(
  route: Route,
  operationId: string,
  options: OpenApiOptions,
  path: string = route.path,
): JsonObject {
  const parameters = [
    ...pathParameters(path, options.jobTypes),
    ...queryParameters(route),
    ...requestHeaders(route),
  ];
  return {
    operationId,
    summary: route.summary,
    description: route.description,
    tags: [route.path.startsWith('/admin') ? 'admin' : 'jobs'],
    ...security(route, options),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.requestBody && route.requestBody !== 'jobInput'
      ? {
          requestBody: {
            required: false,
            content: { [JSON_MEDIA_TYPE]: { schema: ref(route.requestBody) } },
          },
        }
      : {}),
    responses: responses(route),
  };
}

/** Open routes need nothing; job routes need the API key too (one requirement, both schemes) when it is on. */
function security(route: Route, options: OpenApiOptions): JsonObject {
  if (route.auth === 'none') return { security: [] };
  if (route.apiKey && options.apiKeys) return { security: [{ [SIGV4]: [], [API_KEY]: [] }] };
  return {};
}

/** One parameter per `{variable}` of the path as documented (a job type's submit path has none). */
function pathParameters(path: string, jobTypes: readonly JobTypeDefinition[]): JsonObject[] {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
  return names.map((name) => ({
    name,
    in: 'path',
    required: true,
    description:
      name === 'name'
        ? `The job type: ${jobTypes.map((type) => type.name).join(', ')}`
        : 'The job id (a UUID); anything else is answered 404',
    schema: { type: 'string' },
  }));
}

function queryParameters(route: Route): JsonObject[] {
  return [...(route.priority ? [PRIORITY_QUERY] : []), ...(route.listQuery ? listQuery() : [])];
}

const PRIORITY_VALUES = { type: 'string', enum: ['high', 'normal'] };

const PRIORITY_QUERY: JsonObject = {
  name: 'priority',
  in: 'query',
  description:
    'The lane the job runs in, case-insensitive; overrides the Priority header. Any other non-empty value is answered 400 INVALID_PRIORITY; high on a job type without a high-priority lane, 400 PRIORITY_NOT_ENABLED',
  schema: PRIORITY_VALUES,
};

const PRIORITY_HEADER: JsonObject = {
  name: 'Priority',
  in: 'header',
  description:
    'high or normal (case-insensitive) when the query has no priority. Other values are ignored, not refused: RFC 9218 priorities (u=0..7, i) that HTTP libraries send on their own mean normal',
  schema: { type: 'string' },
};

function listQuery(): JsonObject[] {
  return [
    {
      name: 'name',
      in: 'query',
      description: 'Only jobs of this job type',
      schema: { type: 'string', pattern: JOB_NAME_JSON_PATTERN },
    },
    { name: 'status', in: 'query', description: 'Only jobs in this status', schema: ref('JobStatus') },
    {
      name: 'limit',
      in: 'query',
      description: 'Most jobs on the page',
      schema: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT },
    },
    {
      name: 'cursor',
      in: 'query',
      description: 'nextCursor of the previous page, unchanged',
      schema: { type: 'string' },
    },
  ];
}

function requestHeaders(route: Route): JsonObject[] {
  return [
    ...(route.idempotencyHeaders ? idempotencyHeaders() : []),
    ...(route.priority ? [PRIORITY_HEADER] : []),
  ];
}

function idempotencyHeaders(): JsonObject[] {
  const schema = { type: 'string', minLength: 1, maxLength: 257 };
  return [
    {
      name: 'Idempotency-Key',
      in: 'header',
      description:
        'Makes the submission safe to repeat: the same key and body answer 200 with the same job (a quoted Structured Field string or a bare token, 1-255 printable ASCII characters)',
      schema,
    },
    {
      name: 'X-Async-Request-Id',
      in: 'header',
      description: 'The AsyncEndpoints name of Idempotency-Key',
      schema,
    },
  ];
}

function responses(route: Route): JsonObject {
  const all: RouteResponse[] = [...route.responses];
  if (route.auth === 'iam') {
    for (const common of COMMON_IAM_RESPONSES) {
      if (!all.some((r) => r.status === common.status)) all.push(common);
    }
  }
  all.sort((a, b) => a.status - b.status);
  return Object.fromEntries(
    all.map((response) => {
      const problem = response.body === 'Problem' || response.body.endsWith('Problem');
      const schema =
        response.body === 'GatewayOrApiProblem'
          ? { anyOf: [ref('Problem'), ref('GatewayProblem')] }
          : ref(response.body);
      const headers = {
        ...headerRefs(response.headers ?? [], true),
        ...headerRefs(response.optionalHeaders ?? [], false),
      };
      return [
        String(response.status),
        {
          description: response.description,
          ...(Object.keys(headers).length > 0 ? { headers } : {}),
          content: { [problem ? PROBLEM_MEDIA_TYPE : JSON_MEDIA_TYPE]: { schema } },
        },
      ];
    }),
  );
}

function headerRefs(names: readonly ResponseHeaderName[], required: boolean): JsonObject {
  return Object.fromEntries(
    names.map((name) => [
      name,
      (HEADERS[name].required === true) === required
        ? { $ref: `#/components/headers/${name}` }
        : { ...HEADERS[name], required },
    ]),
  );
}

function schemaComponents(io: 'input' | 'output', schemas: Readonly<Record<string, z.ZodType>>) {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const converted = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  });
  // Each schema is a component of this document: `$schema` is the document's dialect, and a
  // fragment-only `$id` is not allowed in 2020-12.
  return Object.fromEntries(
    Object.entries(converted.schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [
      id,
      schema as JsonObject,
    ]),
  );
}

function jobInputComponents(components: ReadonlyMap<string, JobTypeDefinition>): Record<string, JsonObject> {
  const zodSchemas: Record<string, z.ZodType> = {};
  const other: Record<string, JsonObject> = {};
  for (const [id, jobType] of components) {
    // The core accepts any schema with zod's safeParse shape; only zod schemas can be converted.
    if (jobType.input instanceof z.ZodType) zodSchemas[id] = jobType.input;
    else other[id] = { description: `${jobType.name} input (schema not convertible to JSON Schema)` };
  }
  const converted = schemaComponents('input', zodSchemas);
  for (const [id, jobType] of components) {
    const schema = converted[id];
    if (schema) schema.description ??= `Input of the ${jobType.name} job type`;
  }
  return { ...converted, ...other };
}

function ref(component: string): JsonObject {
  return { $ref: `#/components/schemas/${component}` };
}

function pascal(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
