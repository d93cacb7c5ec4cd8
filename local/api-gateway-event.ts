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

export interface LocalRequest {
  readonly method: string;
  /** Path and query, as received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly sourceIp: string;
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
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === LOCAL_PRINCIPAL_HEADER) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values[values.length - 1] ?? '';
    multiValueHeaders[name] = values;
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    query[name] = value;
    multiQuery[name] = [...(multiQuery[name] ?? []), value];
  }
  const principal = principalOf(request.headers);
  const hasQuery = Object.keys(query).length > 0;
  const path = safeDecode(url.pathname);
  return {
    resource,
    path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiQuery : null,
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

function principalOf(headers: IncomingHttpHeaders): string {
  const value = headers[LOCAL_PRINCIPAL_HEADER];
  const principal = (Array.isArray(value) ? value[0] : value)?.trim();
  return principal || DEFAULT_LOCAL_PRINCIPAL;
}
