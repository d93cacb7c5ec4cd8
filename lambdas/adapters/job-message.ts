import type { Job } from '../core/job';

/**
 * The SQS message of a job: just its id and type. The record in DynamoDB is the source of
 * truth, and the claim reads it anyway, so the message stays tiny whatever the input's size.
 */
export interface JobMessage {
  readonly id: string;
  readonly name: string;
}

export function encodeJobMessage(job: Pick<Job, 'id' | 'name'>): string {
  return JSON.stringify({ id: job.id, name: job.name } satisfies JobMessage);
}

/** @returns the message, or undefined when the body is not a job message */
export function decodeJobMessage(body: string): JobMessage | undefined {
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value !== 'object' || value === null) return undefined;
    const { id, name } = value as Record<string, unknown>;
    return typeof id === 'string' && id.length > 0 && typeof name === 'string' ? { id, name } : undefined;
  } catch {
    return undefined;
  }
}
