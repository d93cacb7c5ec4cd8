import type { APIGatewayProxyEvent } from 'aws-lambda';
import { header } from './http';
import { RequestError } from './request-errors';

/**
 * Deepest nesting of arrays and objects a body may have (System.Text.Json's default, which
 * AsyncEndpoints clients already live with). `JSON.parse` takes far deeper input, but the
 * recursive code after it (the request hash, `JSON.stringify` of the record) overflows the
 * stack at a few thousand levels, which fit well within `maxBodyBytes`.
 */
export const MAX_JSON_DEPTH = 64;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * The request body as a JSON value, checked in the order a client can act on:
 * size (413), media type (415), syntax (400), nesting depth (400), size as stored (413).
 * An absent body is `undefined`, and the job type's schema decides whether that is acceptable.
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
  const text = raw.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RequestError(400, 'INVALID_JSON', `The body is not valid JSON: ${(error as Error).message}`);
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new RequestError(
      400,
      'JSON_TOO_DEEP',
      `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
    );
  }
  // The input is stored re-serialized, where numbers can grow (`1e20` is 21 digits): a body
  // under the limit could still make a record DynamoDB refuses (a 500). Hold both to the limit.
  const storedBytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (storedBytes > maxBytes) {
    throw new RequestError(
      413,
      'BODY_TOO_LARGE',
      `The body is ${storedBytes} bytes once re-serialized as stored (numbers written out); the limit is ${maxBytes}`,
    );
  }
  return value;
}

/** Deepest nesting of arrays and objects in valid JSON text; a loop, so no depth can overflow it. */
function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character; a quote ends the string.
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return deepest;
}
