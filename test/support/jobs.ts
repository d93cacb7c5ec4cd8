import type { Job } from '../../lambdas/core/job';
import type { JobStatus } from '../../lambdas/core/job-status';
import type { JobStore } from '../../lambdas/core/ports';

export const T0 = new Date('2026-01-01T00:00:00.000Z');

/** A job record with sensible values, overridable field by field. */
export function aJob(overrides: Partial<Job> & { status?: JobStatus } = {}): Job {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'echo',
    status: 'Queued',
    owner: 'arn:aws:iam::111111111111:user/alice',
    input: { hello: 'world' },
    retryCount: 0,
    maxRetries: 3,
    attempt: 0,
    createdAt: T0.toISOString(),
    lastUpdatedAt: T0.toISOString(),
    requestHash: 'hash',
    expiresAt: Math.floor(T0.getTime() / 1000) + 86_400,
    version: 1,
    ...overrides,
  };
}

/** A clock tests move by hand. */
export class ManualClock {
  constructor(private current: Date = T0) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Ids 1, 2, 3... as UUIDs, so tests can predict them. */
export function sequentialIds() {
  let next = 0;
  return {
    newId: () => {
      next += 1;
      return `00000000-0000-4000-8000-${String(next).padStart(12, '0')}`;
    },
  };
}

export const silentLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** `store` with its `get` counted: `reads` lists the ids read, in order. */
export function countingReads<S extends JobStore>(store: S): { counted: S; reads: string[] } {
  const reads: string[] = [];
  const counted = Object.assign(Object.create(store), {
    get: async (id: string) => {
      reads.push(id);
      return store.get(id);
    },
  }) as S;
  return { counted, reads };
}
