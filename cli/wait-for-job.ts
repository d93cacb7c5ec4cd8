/**
 * Waits for a job with the client, showing its progress on standard error, and turns how it
 * ended into the exit code (shared by `wait` and `submit --wait`).
 */
import { type JobsClient, JobWaitTimeoutError, type UntypedJobTypes } from '../client';
import { ExitCode } from './exit-codes';
import { type AnyJob, formatJob } from './format';
import type { CliIo } from './io';
import { progressLine, progressLogLine } from './progress';

/** How `wait` runs. */
export interface WaitForJobOptions {
  readonly timeoutMs?: number | undefined;
  readonly json: boolean;
}

/** @returns 0 Completed, 1 Failed or Canceled, 4 timed out */
export async function waitForJob(
  client: JobsClient<UntypedJobTypes>,
  id: string,
  io: CliIo,
  options: WaitForJobOptions,
): Promise<number> {
  const started = Date.now();
  let last: AnyJob | undefined;
  // Redraw the bar every second on a terminal, so the elapsed time moves between polls.
  const ticker = io.status
    ? setInterval(() => last && io.status?.(progressLine(last, Date.now() - started)), 1000)
    : undefined;
  try {
    const job = await client.wait(id, {
      ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
      onProgress: (seen) => {
        last = seen;
        if (io.status) io.status(progressLine(seen, Date.now() - started));
        else io.err(progressLogLine(seen));
      },
    });
    io.out(options.json ? JSON.stringify(job) : formatJob(job));
    return job.status === 'Completed' ? ExitCode.Ok : ExitCode.JobFailed;
  } catch (error) {
    if (!(error instanceof JobWaitTimeoutError)) throw error;
    io.err(`Timed out after ${error.timeoutMs} ms: job ${id} is still ${error.job.status}.`);
    if (options.json && last) io.out(JSON.stringify(last));
    return ExitCode.Timeout;
  } finally {
    clearInterval(ticker);
  }
}
