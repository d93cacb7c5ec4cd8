import { createHash } from 'node:crypto';

/**
 * A stable hash of a request: keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are one request.
 */
export function requestHash(name: string, input: unknown): string {
  return createHash('sha256').update(name).update('\n').update(canonicalJson(input)).digest('base64url');
}

/**
 * A job id derived from the caller and its idempotency key: the same pair always names the same
 * record, so a conditional put makes concurrent duplicates collide instead of creating two jobs.
 * Formatted as a version-8 UUID so ids look alike whichever way they were made.
 */
export function idFromIdempotencyKey(owner: string, key: string): string {
  const bytes = createHash('sha256').update(owner).update('\n').update(key).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
