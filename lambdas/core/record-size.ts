/**
 * Size limits on what a job carries. The store decides where input and result live (in the
 * record, compressed, or in an object store), so the core no longer bounds the record itself:
 * it bounds the payloads.
 */
import type { Job } from './job';

/**
 * Largest validated input, bytes of JSON, when the caller sets no limit of its own (the API
 * passes its `maxBodyBytes`: a schema may enlarge what it returns, with defaults or transforms).
 */
export const MAX_INPUT_BYTES = 3_145_728;

/**
 * Largest result a handler may return, bytes of JSON. Large results go to S3, so the item is not
 * the limit; the processor's memory is: it holds the result, its JSON text and its gzip at once
 * (about three times this), next to the input. 32 MiB needs a processor of 512 MiB or more.
 */
export const MAX_RESULT_BYTES = 33_554_432;

/**
 * Bytes of a value's JSON text in UTF-8; `Infinity` when it is too large to serialize at all
 * (V8 strings stop at about 512 MiB).
 */
export function payloadBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
  } catch (error) {
    if (error instanceof RangeError) return Number.POSITIVE_INFINITY;
    throw error;
  }
}

/**
 * Approximate stored size of a job record held inline, bytes (its JSON): what the capacity
 * planner prices writes by. Not a limit: the store moves large payloads out of the record.
 */
export function recordBytes(job: Job): number {
  return payloadBytes(job);
}
