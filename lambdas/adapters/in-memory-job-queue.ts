import type { Job } from '../core/job';
import type { JobQueue } from '../core/ports';

/** {@link JobQueue} that records what was sent, for unit tests. */
export class InMemoryJobQueue implements JobQueue {
  readonly sent: Pick<Job, 'id' | 'name'>[] = [];

  async enqueue(job: Pick<Job, 'id' | 'name'>): Promise<void> {
    this.sent.push({ id: job.id, name: job.name });
  }
}
