import type { APIGatewayProxyEvent } from 'aws-lambda';
import { header } from './http';
import { RequestError } from './request-errors';

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The request body as a JSON value, checked in the order a client can act on:
 * size (413), media type (415), syntax (400). An absent body is `undefined`, and the job
 * type's schema decides whether that is acceptable.
 */
export function parseJsonBody(
  event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded' | 'headers'>,
  maxBytes: number,
): unknown {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > maxBytes) {
    throw new RequestError(
      413,
      'BODY_TOO_LARGE',
      `The body is ${raw.byteLength} bytes; the limit is ${maxBytes}`,
    );
  }
  const contentType = header(event, 'content-type');
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) {
    throw new RequestError(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the body as application/json (got ${contentType ? `'${contentType}'` : 'no Content-Type'})`,
    );
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new RequestError(400, 'INVALID_JSON', `The body is not valid JSON: ${(error as Error).message}`);
  }
}
