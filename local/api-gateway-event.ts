/**
 * Turns a Node HTTP request into the API Gateway REST (v1 proxy) event the deployed API sends
 * to its Lambdas, with an IAM-style request context.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { safeDecode } from './safe-decode';

/** Honoured only by the local server: names the caller, as SigV4 and IAM would on AWS. */
export const LOCAL_PRINCIPAL_HEADER = 'x-local-principal';
export const DEFAULT_LOCAL_PRINCIPAL = 'local-user';

/**
 * The caller the local server lets through to the admin routes (`/admin/...`), as the deployed
 * API lets through only principals with an `execute-api:Invoke` grant on `POST /admin/*`.
 */
export const DEFAULT_LOCAL_ADMIN_PRINCIPAL = 'local-admin';

/** Names the local admin principal instead of {@link DEFAULT_LOCAL_ADMIN_PRINCIPAL}. */
export const LOCAL_ADMIN_ENV = 'ASYNC_ENDPOINTS_LOCAL_ADMIN';

/**
 * The local admin principal: `explicit`, else the trimmed `ASYNC_ENDPOINTS_LOCAL_ADMIN`, else
 * {@link DEFAULT_LOCAL_ADMIN_PRINCIPAL}.
 * @default DEFAULT_LOCAL_ADMIN_PRINCIPAL
 * @throws Error when the chosen principal is empty or equals the default caller (`local-user`),
 *   which would make every unnamed caller an admin
 */
export function localAdminPrincipal(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const source = explicit !== undefined ? 'adminPrincipal' : LOCAL_ADMIN_ENV;
  const chosen = (explicit ?? env[LOCAL_ADMIN_ENV] ?? DEFAULT_LOCAL_ADMIN_PRINCIPAL).trim();
  if (!chosen) throw new Error(`${source} must name a principal, got an empty string`);
  if (chosen === DEFAULT_LOCAL_PRINCIPAL) {
    throw new Error(
      `${source} must not be ${DEFAULT_LOCAL_PRINCIPAL}, the caller of every request without X-Local-Principal`,
    );
  }
  return chosen;
}

export interface LocalRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
}

/**
 * The request target as a URL. A target in origin form (`/jobs/x`) is a path, whatever it
 * starts with: resolved as a relative URL, `//jobs/x` would name the host `jobs` and `///x`
 * would not parse at all. Never throws: a target that is no URL at all reads as `/`.
 */
export function requestUrl(target: string): URL {
  try {
    return new URL(target.startsWith('/') ? `http://localhost${target}` : target, 'http://localhost');
  } catch {
    return new URL('http://localhost/');
  }
}

/**
 * @param resource the matched API Gateway resource, e.g. `/jobs/{nameOrId}`
 * @param pathParameters the values of its path variables
 */
export function toApiGatewayEvent(
  request: LocalRequest,
  resource: string,
  pathParameters: Record<string, string> | null,
): APIGatewayProxyEvent {
  const url = requestUrl(request.url);
  // Names come from the client: collect them in Maps, not plain objects, where `__proto__` or
  // `constructor` would hit Object.prototype; Object.fromEntries then makes each an own key.
  const multiHeaders = new Map<string, string[]>();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === LOCAL_PRINCIPAL_HEADER) continue;
    multiHeaders.set(name, Array.isArray(value) ? value : [value]);
  }
  const multiQuery = new Map<string, string[]>();
  for (const [name, value] of url.searchParams)
    multiQuery.set(name, [...(multiQuery.get(name) ?? []), value]);
  const headers = lastValues(multiHeaders);
  const query = lastValues(multiQuery);
  const principal = principalOf(request.headers);
  const hasQuery = multiQuery.size > 0;
  const path = safeDecode(url.pathname);
  return {
    resource,
    path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(multiHeaders),
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? Object.fromEntries(multiQuery) : null,
    pathParameters,
    stageVariables: null,
    body: request.body.byteLength > 0 ? request.body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      path,
      stage: 'local',
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
      identity: {
        accessKey: null,
        accountId: '000000000000',
        apiKey: null,
        apiKeyId: null,
        caller: principal,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.sourceIp,
        user: principal,
        userAgent: headers['user-agent'] ?? '',
        userArn: principal,
      },
    },
  };
}

/** API Gateway's single-value view: the last value of each name. */
function lastValues(multi: ReadonlyMap<string, readonly string[]>): Record<string, string> {
  return Object.fromEntries([...multi].map(([name, values]) => [name, values[values.length - 1] ?? '']));
}

/** The caller a request names with `X-Local-Principal`, else {@link DEFAULT_LOCAL_PRINCIPAL}. */
export function principalOf(headers: IncomingHttpHeaders): string {
  const value = headers[LOCAL_PRINCIPAL_HEADER];
  const principal = (Array.isArray(value) ? value[0] : value)?.trim();
  return principal || DEFAULT_LOCAL_PRINCIPAL;
}
