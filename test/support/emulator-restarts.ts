/**
 * Emulator restarts for tests: a directory DynamoDB Local keeps its data in (so a JVM restart
 * loses nothing), and a schedule that takes SQS and DynamoDB down as submissions progress.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorRestart } from '../../local/emulators/types';

/**
 * A fresh directory for DynamoDB Local's data, on tmpfs (`/dev/shm`) where there is one: as fast
 * as in memory, yet it outlives the JVM. `remove()` deletes it.
 */
export function temporaryDataDir(): { readonly path: string; remove(): void } {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const path = mkdtempSync(join(base, 'async-endpoints-ddb-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export type RestartTarget = 'sqs' | 'dynamodb';

/** One planned restart: once `afterJobs` submissions were accepted, take `target` down for `downMs`. */
export interface PlannedRestart {
  readonly target: RestartTarget;
  readonly afterJobs: number;
  readonly downMs: number;
}

/** One restart that happened. */
export interface RestartRecord extends EmulatorRestart {
  readonly target: RestartTarget;
  readonly afterJobs: number;
}

/**
 * Runs the planned restarts one at a time, each once submissions reach its `afterJobs`.
 * `progress(n)` reports n accepted submissions; `finish()` runs whatever is left (if the
 * submissions ended first) and resolves once every endpoint is back.
 */
export class RestartSchedule {
  readonly done: RestartRecord[] = [];
  private readonly pending: PlannedRestart[];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    /** How to take each target down for `downMs` and bring it back. */
    private readonly restarters: Readonly<
      Record<RestartTarget, (downMs: number) => Promise<EmulatorRestart>>
    >,
    plan: readonly PlannedRestart[],
  ) {
    this.pending = [...plan].sort((a, b) => a.afterJobs - b.afterJobs);
  }

  progress(accepted: number): void {
    while (this.pending.length > 0 && (this.pending[0] as PlannedRestart).afterJobs <= accepted) {
      this.start(this.pending.shift() as PlannedRestart);
    }
  }

  async finish(): Promise<void> {
    for (const planned of this.pending.splice(0)) this.start(planned);
    await this.chain;
    if (this.failure) throw this.failure;
  }

  private start(planned: PlannedRestart): void {
    this.chain = this.chain.then(async () => {
      try {
        const restart = await this.restarters[planned.target](planned.downMs);
        this.done.push({ ...restart, target: planned.target, afterJobs: planned.afterJobs });
      } catch (error) {
        this.failure ??= error;
      }
    });
  }
}
