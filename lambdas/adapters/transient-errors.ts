/**
 * Which AWS SDK errors mean "the service is unavailable right now" rather than "this request is
 * wrong": throttling, 5xx answers, timeouts and dropped connections. The SDK retried each of
 * them already (standard retry mode) before it gave up; the caller can only try again later.
 *
 * The lists follow the SDK's own retry classification (`@smithy/service-error-classification`,
 * which the SDK bundles but this project does not depend on directly).
 */

/** Error names of throttling, as the SDK's retry strategy lists them. */
const THROTTLING = new Set([
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

/** Error names of timeouts. */
const TIMEOUTS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** Node's codes for a connection refused, reset or timed out (the endpoint is unreachable). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

/**
 * True when `error` says the AWS service (or the way to it) is unavailable for now: throttled,
 * a 5xx, a timeout, or a refused or dropped connection. False for everything else, including
 * client errors (validation, conditional checks) and our own bugs.
 */
export function isTransientServiceError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { name, code, $fault, $metadata } = error as SdkErrorShape;
  const status = typeof $metadata?.httpStatusCode === 'number' ? $metadata.httpStatusCode : undefined;
  if (typeof name === 'string' && (THROTTLING.has(name) || TIMEOUTS.has(name))) return true;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  return $fault === 'server';
}
