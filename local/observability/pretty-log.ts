/**
 * Powertools log documents as one human-readable line each, for a terminal:
 *
 *   17:50:01.123 INFO  echo-processor a1b2c3d4 Delivery handled outcome=completed [cold start, 512 MB]
 *
 * time (as the document has it, UTC), level, function, job id, message, then the remaining keys
 * as `key=value` (errors as `name: message`). The Lambda context keys Powertools adds are folded
 * into the function name and a cold-start marker, which carries the memory size as Lambda's
 * REPORT line does.
 */

/** The fields of a Powertools log document that the line shows in fixed places or drops. */
const PLACED_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'jobId',
  'component',
]);

/** Extra keys shown at most, so one line stays one line. */
const MAX_EXTRA_KEYS = 6;
/** Characters of one extra value shown at most. */
const MAX_VALUE_CHARS = 120;

const LEVEL_COLOURS: Readonly<Record<string, string>> = {
  DEBUG: '\x1b[2m',
  WARN: '\x1b[33m',
  ERROR: '\x1b[31m',
  CRITICAL: '\x1b[31m',
};

export interface PrettyLogOptions {
  /**
   * The function that wrote the line when the document does not say (API handlers add no
   * Lambda context to their logs). @default '-'
   */
  readonly functionName?: string;
  /** Colours the level with ANSI codes (terminals only; the text reads the same without). @default false */
  readonly colour?: boolean;
}

/** True when `doc` looks like a Powertools Logger document (level, message and timestamp). */
export function isLogDocument(doc: unknown): doc is Record<string, unknown> {
  const d = doc as Record<string, unknown> | null;
  return (
    typeof d === 'object' &&
    d !== null &&
    typeof d.level === 'string' &&
    typeof d.message === 'string' &&
    typeof d.timestamp === 'string'
  );
}

/** One line (no trailing newline) for a Powertools log document. */
export function prettyLogLine(
  doc: Readonly<Record<string, unknown>>,
  options: PrettyLogOptions = {},
): string {
  const level = String(doc.level);
  const shownLevel = level.padEnd(5);
  const parts = [
    timeOf(String(doc.timestamp)),
    options.colour && LEVEL_COLOURS[level] ? `${LEVEL_COLOURS[level]}${shownLevel}\x1b[0m` : shownLevel,
    functionOf(doc, options.functionName),
    typeof doc.jobId === 'string' ? doc.jobId : '-',
    String(doc.message),
  ];
  const extras = Object.entries(doc).filter(([key, value]) => !PLACED_KEYS.has(key) && value !== undefined);
  for (const [key, value] of extras.slice(0, MAX_EXTRA_KEYS)) parts.push(`${key}=${shown(value)}`);
  if (extras.length > MAX_EXTRA_KEYS) parts.push(`(+${extras.length - MAX_EXTRA_KEYS} more)`);
  if (doc.cold_start === true) {
    const memory = doc.function_memory_size === undefined ? '' : `, ${doc.function_memory_size} MB`;
    parts.push(`[cold start${memory}]`);
  }
  return parts.join(' ');
}

/** `hh:mm:ss.mmm` of an ISO 8601 timestamp; anything else as it is. */
function timeOf(timestamp: string): string {
  const match = /T(\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?)/.exec(timestamp);
  return match?.[1] ?? timestamp;
}

/** The function's name without the stack's (the service's) prefix, else the component. */
function functionOf(doc: Readonly<Record<string, unknown>>, fallback = '-'): string {
  const name = doc.function_name;
  if (typeof name === 'string' && name !== '') {
    const prefix = typeof doc.service === 'string' ? `${doc.service}-` : '';
    return prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
  }
  return typeof doc.component === 'string' ? doc.component : fallback;
}

/** A value on one line: strings bare (quoted when they hold spaces), errors as `name: message`. */
function shown(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = /\s/.test(value) ? JSON.stringify(value) : value;
  else if (isErrorDocument(value)) text = JSON.stringify(`${value.name}: ${value.message}`);
  else text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

/** An error as Powertools formats it (`name`, `message`, `location`, `stack`). */
function isErrorDocument(value: unknown): value is { name: string; message: string } {
  const v = value as { name?: unknown; message?: unknown; stack?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.message === 'string';
}
