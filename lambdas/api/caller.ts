import type { APIGatewayProxyEvent } from 'aws-lambda';
import { RequestError } from './request-errors';

/** Longest caller identity: IAM's limit on an ARN, and DynamoDB's on an index partition key. */
export const MAX_CALLER_BYTES = 2_048;

/**
 * The caller's identity, taken only from API Gateway's IAM request context, never from a header.
 *
 * Assumed-role sessions are reduced to their role (`arn:aws:sts::123:assumed-role/Role`), so a
 * client that assumes the role again (a new session name) still owns the jobs it submitted.
 *
 * @throws RequestError 403 when the request carries no IAM identity (an unauthenticated route),
 *   or one longer than {@link MAX_CALLER_BYTES}
 */
export function callerOf(event: Pick<APIGatewayProxyEvent, 'requestContext'>): string {
  const arn = event.requestContext?.identity?.userArn;
  if (!arn) throw new RequestError(403, 'NO_CALLER_IDENTITY', 'The request carries no IAM caller identity');
  const assumed = /^(arn:[^:]+:sts::\d+:assumed-role\/[^/]+)\/.+$/.exec(arn);
  const owner = assumed?.[1] ?? arn;
  // The owner keys the table's ByOwner index, and DynamoDB refuses a partition key over 2,048
  // bytes (a 500). IAM ARNs stay under that; only the local mode's header can go past it.
  if (Buffer.byteLength(owner, 'utf8') > MAX_CALLER_BYTES) {
    throw new RequestError(
      403,
      'INVALID_CALLER_IDENTITY',
      `The caller identity is longer than ${MAX_CALLER_BYTES} bytes`,
    );
  }
  return owner;
}
