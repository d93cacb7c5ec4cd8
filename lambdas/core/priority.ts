/**
 * Job priorities and the routing every producer shares: a high-priority job goes to its type's
 * high-priority queue (and DLQ) whenever it is (re-)queued, by submit, a retry, the sweeper or
 * a redrive, so it never falls back behind the normal backlog.
 */
import type { Job, JobErrorInfo } from './job';
import { JobPriority, priorityOf } from './job-priority';
import type { DeadLetter, DeadLetterQueue, DeadLetterSource, JobQueue } from './ports';

// Re-exported: producers import the priority with the routing that uses it.
export { JobPriority, priorityOf };

/** One of a job type's two lanes: the normal one always, the high one when enabled. */
export interface Lanes<T> {
  readonly normal: T;
  readonly high?: T;
}

/**
 * The lane a job belongs in. A high job of a type whose high lane is gone (the setting was
 * turned off after it was submitted) goes to the normal lane rather than nowhere.
 */
export function laneOf<T>(lanes: Lanes<T>, job: Pick<Job, 'priority'>): T {
  return priorityOf(job) === JobPriority.High && lanes.high ? lanes.high : lanes.normal;
}

/** {@link JobQueue} over a job type's lanes: each job goes to its priority's queue. */
export class PriorityJobQueue implements JobQueue {
  constructor(private readonly lanes: Lanes<JobQueue>) {}

  enqueue(job: Pick<Job, 'id' | 'name' | 'priority'>): Promise<void> {
    return laneOf(this.lanes, job).enqueue(job);
  }
}

/** {@link DeadLetterQueue} over a job type's lanes: each job's copy goes to its priority's DLQ. */
export class PriorityDeadLetterQueue implements DeadLetterQueue {
  constructor(private readonly lanes: Lanes<DeadLetterQueue>) {}

  send(job: Pick<Job, 'id' | 'name' | 'priority'>, error: JobErrorInfo): Promise<void> {
    return laneOf(this.lanes, job).send(job, error);
  }
}

/**
 * {@link DeadLetterSource} draining both of a job type's DLQs for one redrive run: the high one
 * first, then the normal one. Empty only when both are; each handle remembers its queue. Make
 * one per run: a queue that answered empty is not asked again (an empty long poll costs its
 * whole wait), and what a run received stays hidden from it anyway.
 */
export class LanesDeadLetterSource implements DeadLetterSource {
  private readonly sources: readonly DeadLetterSource[];
  private current = 0;

  constructor(lanes: Lanes<DeadLetterSource>) {
    this.sources = lanes.high ? [lanes.high, lanes.normal] : [lanes.normal];
  }

  async receive(max: number): Promise<DeadLetter[]> {
    for (; this.current < this.sources.length; this.current++) {
      const index = this.current;
      const letters = await (this.sources[index] as DeadLetterSource).receive(max);
      if (letters.length > 0)
        return letters.map((letter) => ({ ...letter, handle: `${index}:${letter.handle}` }));
    }
    return [];
  }

  async release(handle: string): Promise<void> {
    const [source, inner] = this.sourceOf(handle);
    await source.release(inner);
  }

  async remove(handle: string): Promise<void> {
    const [source, inner] = this.sourceOf(handle);
    await source.remove(inner);
  }

  private sourceOf(handle: string): [DeadLetterSource, string] {
    const colon = handle.indexOf(':');
    const source = this.sources[Number(handle.slice(0, colon))];
    if (colon < 1 || !source) throw new Error('Not a handle this dead-letter source issued');
    return [source, handle.slice(colon + 1)];
  }
}
