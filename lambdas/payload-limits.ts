/**
 * Where a job's input and result may live, in bytes: the arithmetic behind the compression
 * threshold, the item budget, the S3 claim check and the largest accepted body. Shared by the
 * payload adapters (which apply it), `lib/` (which checks the config against it) and the tests.
 * Like `runtime-env.ts`, this file imports nothing, so `lib/` may import it.
 */

/** DynamoDB's item size limit: 400 KB, attribute names and values included. */
export const DYNAMODB_ITEM_MAX_BYTES = 409_600;

/**
 * What a record holds besides its payloads when it is written: ids, names, the owner's ARN (up
 * to 2 KiB), the idempotency key (255), the request hash, timestamps, version and attribute names.
 */
export const RECORD_METADATA_BYTES = 8_192;

/**
 * What later writes may add while an inline payload stays put: the attempt history (25 entries
 * of about 150 bytes), the error, the progress message (1,000 characters, up to 4 KiB in
 * UTF-8), the lease and the cancel request. Generous, because running out means a failed write.
 */
export const RECORD_GROWTH_BYTES = 32_768;

/**
 * Largest stored form (JSON text or gzip) of the input, and of the result, kept in the item:
 * each gets half of what the item has left, so both fit together whatever order they come in.
 * (409,600 - 8,192 - 32,768) / 2 = 184,320 bytes (180 KiB).
 */
export const INLINE_PAYLOAD_MAX_BYTES = Math.floor(
  (DYNAMODB_ITEM_MAX_BYTES - RECORD_METADATA_BYTES - RECORD_GROWTH_BYTES) / 2,
);

/**
 * Largest JSON (before compression) kept in the item. Above it the payload goes to S3 even when
 * its gzip would fit, so `GET /jobs/{id}` never decompresses a result into a response near
 * Lambda's 6 MB limit: highly repetitive JSON can shrink 50-fold.
 */
export const INLINE_JSON_MAX_BYTES = 1_048_576;

/** Default of the `compressAboveBytes` setting: JSON longer than this is stored gzip-compressed. */
export const DEFAULT_COMPRESS_ABOVE_BYTES = 8_192;

/** Lambda's synchronous invocation payload limit (request and response), bytes. */
export const LAMBDA_SYNC_PAYLOAD_BYTES = 6_291_456;

/**
 * What API Gateway's proxy event adds around the body: headers twice (`headers` and
 * `multiValueHeaders`, at most 10 KiB each), the request context, path and query parameters.
 */
export const PROXY_EVENT_OVERHEAD_BYTES = 65_536;

/**
 * Largest request body `maxBodyBytes` may allow. The body travels inside the proxy event as a
 * JSON string, where every `"`, `\` and newline of the body doubles: a body of n bytes can take
 * 2n bytes of the event. (6,291,456 - 65,536) / 2 = 3,112,960 bytes (about 2.97 MiB), well under
 * API Gateway's own 10 MB. A larger body could make Lambda refuse the event, which API Gateway
 * answers with a 5xx instead of our 413.
 */
export const MAX_BODY_BYTES_CEILING = Math.floor(
  (LAMBDA_SYNC_PAYLOAD_BYTES - PROXY_EVENT_OVERHEAD_BYTES) / 2,
);

/** How long a presigned result URL stays valid, seconds (10 minutes). */
export const RESULT_URL_TTL_SECONDS = 600;

/** Key prefix of every payload object in the bucket (the lifecycle rule's filter). */
export const PAYLOAD_KEY_PREFIX = 'jobs/';
