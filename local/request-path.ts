/**
 * Dot segments in a request path, found before any routing.
 *
 * Node's WHATWG `URL` resolves `.` and `..` (also `%2e`, `%2E`, and `\` as `/`) when it parses a
 * target, so `/jobs/../admin/jobs/fail/redrive` would be routed as the admin route. API Gateway
 * matches a resource only against a path it has resolved; the local server refuses such a path
 * instead, before it reaches any route.
 */

/**
 * Segment separators as a URL parser sees them: `/`, and `\` (a `/` in `http:` URLs). An encoded
 * `%2F` separates nothing: it stays inside its segment (a path parameter).
 */
const SEPARATOR = /[/\\]/;

/** A percent-encoded `.`: `.` is unreserved, so `%2e` and `%2E` mean the same path as `.` (RFC 3986 §2.3). */
const ENCODED_DOT = /%2e/gi;

/**
 * The path of a request target as sent, without query or fragment: a target in origin form
 * (`/jobs/x?y`) as it is, an absolute-form target (`http://host/jobs/x`) without its scheme and
 * authority.
 */
export function rawPath(target: string): string {
  const path = target.split(/[?#]/, 1)[0] ?? '';
  if (path.startsWith('/')) return path;
  return path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/\\]*/i, '');
}

/**
 * True when the target's path holds a dot segment (`.` or `..`, plain or percent-encoded, between
 * separators): a path that names a different resource once resolved.
 *
 * @example
 * hasDotSegment('/jobs/../admin/jobs/fail/redrive'); // true
 * hasDotSegment('/jobs/%2E%2e/admin');               // true
 * hasDotSegment('/jobs/a..b');                       // false: an ordinary segment
 */
export function hasDotSegment(target: string): boolean {
  return rawPath(target)
    .split(SEPARATOR)
    .some((segment) => {
      const decoded = segment.replace(ENCODED_DOT, '.');
      return decoded === '.' || decoded === '..';
    });
}
