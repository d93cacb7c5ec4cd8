import type { Job } from './job';

/**
 * Most bytes a job record may take: DynamoDB items stop at 400 KB, attribute names included,
 * and the JSON estimate here runs a little under the stored size, so keep a margin.
 */
export const MAX_RECORD_BYTES = 380_000;

/** Approximate stored size of a job record, bytes. */
export function recordBytes(job: Job): number {
  return Buffer.byteLength(JSON.stringify(job), 'utf8');
}
