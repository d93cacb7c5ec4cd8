import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export type Headers = Record<string, string>;

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Headers = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** Case-insensitive header lookup (API Gateway keeps the client's casing). */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/**
 * The path prefix in front of our routes as the client sees them: `/prod` on the default
 * execute-api URL, a base path on a custom domain, nothing locally. Links we return keep it.
 */
export function basePath(event: Pick<APIGatewayProxyEvent, 'path' | 'requestContext'>): string {
  const full = event.requestContext?.path ?? event.path;
  return full.endsWith(event.path) ? full.slice(0, full.length - event.path.length) : '';
}

/** Where a job's status lives, as a path the client can GET. */
export function jobLocation(
  event: Pick<APIGatewayProxyEvent, 'path' | 'requestContext'>,
  id: string,
): string {
  return `${basePath(event)}/jobs/${id}`;
}
