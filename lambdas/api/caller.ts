import type { APIGatewayProxyEvent } from 'aws-lambda';
import { RequestError } from './request-errors';

/**
 * The caller's identity, taken only from API Gateway's IAM request context, never from a header.
 *
 * Assumed-role sessions are reduced to their role (`arn:aws:sts::123:assumed-role/Role`), so a
 * client that assumes the role again (a new session name) still owns the jobs it submitted.
 *
 * @throws RequestError 403 when the request carries no IAM identity (an unauthenticated route)
 */
export function callerOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): string {
  const arn = event.requestContext?.identity?.userArn;
  if (!arn) throw new RequestError(403, 'NO_CALLER_IDENTITY', 'The request carries no IAM caller identity');
  const assumed = /^(arn:[^:]+:sts::\d+:assumed-role\/[^/]+)\/.+$/.exec(arn);
  return assumed?.[1] ?? arn;
}
