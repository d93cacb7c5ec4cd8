/**
 * The page cursor both JobStore adapters issue: base64url of `{"c": createdAt, "i": id}`, the
 * ByOwner position (`createdKey`) every owner shard resumes below. The owner is not in it: the
 * store takes the owner from the query (the caller), so a cursor can never reach another
 * caller's jobs. (The sweeper's cursor over one Active shard reuses the encoding.)
 */
import { InvalidCursorError } from '../core/errors';
import type { Job } from '../core/job';

/** Where a page stopped, in `(createdAt, id)` descending order. */
export interface JobPosition {
  readonly createdAt: string;
  readonly id: string;
}

/** Far above any cursor we issue (about 90 characters); refuses a huge one before parsing it. */
const MAX_CURSOR_LENGTH = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const ID = /^[\x21-\x7e]{1,128}$/;

export function positionOf(job: Pick<Job, 'createdAt' | 'id'>): JobPosition {
  return { createdAt: job.createdAt, id: job.id };
}

export function encodeCursor(position: JobPosition): string {
  return Buffer.from(JSON.stringify({ c: position.createdAt, i: position.id }), 'utf8').toString('base64url');
}

/** @throws InvalidCursorError unless `cursor` is what {@link encodeCursor} returns */
export function decodeCursor(cursor: string): JobPosition {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw new InvalidCursorError();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError({ cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidCursorError();
  const { c, i, ...rest } = value as Record<string, unknown>;
  if (
    Object.keys(rest).length > 0 ||
    typeof c !== 'string' ||
    typeof i !== 'string' ||
    !ISO_TIME.test(c) ||
    !ID.test(i)
  ) {
    throw new InvalidCursorError();
  }
  return { createdAt: c, id: i };
}

/** The position a `createdKey` (`<createdAt>#<id>`) names: ISO timestamps hold no `#`. */
export function positionOfCreatedKey(key: string): JobPosition {
  const at = key.indexOf('#');
  return { createdAt: key.slice(0, at), id: key.slice(at + 1) };
}

/** True when `job` comes after `position` in `(createdAt, id)` descending order. */
export function isAfter(job: Pick<Job, 'createdAt' | 'id'>, position: JobPosition): boolean {
  return job.createdAt < position.createdAt || (job.createdAt === position.createdAt && job.id < position.id);
}
