/**
 * Runs the smoke test's steps one at a time and records each: ok, failed or skipped, how long
 * it took, and a one-line detail, for the summary printed at the end.
 */

/** How a step ended. */
export type StepStatus = 'ok' | 'failed' | 'skipped';

/** One line of the summary. */
export interface StepRecord {
  readonly name: string;
  readonly status: StepStatus;
  readonly durationMs: number;
  /** What it found (ok), why it failed, or why it was skipped. */
  readonly detail: string;
}

/** Records steps as they run. */
export class StepLog {
  readonly records: StepRecord[] = [];

  /**
   * @param now the clock durations are read from @default Date.now
   * @param progress called when a step starts and with each record as it is made
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly progress: {
      readonly onStart?: (name: string) => void;
      readonly onRecord?: (record: StepRecord) => void;
    } = {},
  ) {}

  /**
   * Runs `step`, unless `signal` has aborted (then it is skipped). A step still running when the
   * signal aborts is recorded failed at once, so an interrupt never waits for a step that does
   * not listen to the signal. Never throws.
   * @returns the step's value, or undefined when it failed or was skipped
   */
  async run<T>(
    name: string,
    step: () => Promise<T>,
    options: { signal?: AbortSignal; detail?: (value: T) => string } = {},
  ): Promise<T | undefined> {
    const { signal } = options;
    if (signal?.aborted) {
      this.skip(name, reasonOf(signal));
      return undefined;
    }
    this.progress.onStart?.(name);
    const started = this.now();
    let stopWaiting = () => {};
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new Error(reasonOf(signal)));
      signal?.addEventListener('abort', onAbort, { once: true });
      stopWaiting = () => signal?.removeEventListener('abort', onAbort);
    });
    try {
      const value = await Promise.race([step(), aborted]);
      this.add({
        name,
        status: 'ok',
        durationMs: this.now() - started,
        detail: options.detail?.(value) ?? '',
      });
      return value;
    } catch (error) {
      const detail = signal?.aborted ? reasonOf(signal) : messageOf(error);
      this.add({ name, status: 'failed', durationMs: this.now() - started, detail });
      return undefined;
    } finally {
      stopWaiting();
    }
  }

  /** Records a step that did not run. */
  skip(name: string, reason: string): void {
    this.add({ name, status: 'skipped', durationMs: 0, detail: reason });
  }

  /** True when every recorded step passed. */
  get allPassed(): boolean {
    return this.records.every((record) => record.status === 'ok');
  }

  private add(record: StepRecord): void {
    this.records.push(record);
    this.progress.onRecord?.(record);
  }
}

/** One summary line: `  ok      deploy             251.0 s  <detail>`. */
export function formatRecord(record: StepRecord): string {
  const status = { ok: 'ok', failed: 'FAILED', skipped: 'skipped' }[record.status];
  const seconds = record.status === 'skipped' ? '' : `${(record.durationMs / 1000).toFixed(1)} s`;
  const [first = '', ...more] = record.detail.split('\n');
  const line = `  ${status.padEnd(8)}${record.name.padEnd(18)}${seconds.padStart(8)}  ${first}`.trimEnd();
  return [line, ...more.map((text) => `${' '.repeat(38)}${text}`)].join('\n');
}

/** The summary: a title and one line per step. */
export function formatSummary(title: string, records: readonly StepRecord[]): string {
  return [title, ...records.map(formatRecord)].join('\n');
}

function reasonOf(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason.message : 'interrupted';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
