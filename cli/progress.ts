/**
 * How `wait` shows a job's progress: a bar redrawn in place on a terminal, one plain line per
 * change otherwise (logs and pipes stay readable).
 */
import type { AnyJob } from './format';
import { progressText, statusText } from './format';

const BAR_WIDTH = 24;

/** `[#########---------------]  37%`, or a bar that only marks the status when no percent is known. */
export function progressBar(job: AnyJob): string {
  const percent = job.progress?.percent ?? (job.status === 'Completed' ? 100 : undefined);
  if (percent === undefined) return `[${'.'.repeat(BAR_WIDTH)}]`;
  const clamped = Math.max(0, Math.min(100, percent));
  const filled = Math.round((clamped / 100) * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(clamped)).padStart(3)}%`;
}

/** The status line a terminal shows while waiting. */
export function progressLine(job: AnyJob, elapsedMs: number): string {
  const message = job.progress?.message ? ` ${job.progress.message}` : '';
  return `${job.name} ${job.id.slice(0, 8)} ${progressBar(job)} ${statusText(job)}${message} (${(elapsedMs / 1000).toFixed(0)} s)`;
}

/** The line written per change when standard error is not a terminal. */
export function progressLogLine(job: AnyJob): string {
  const progress = job.progress ? ` ${progressText(job.progress)}` : '';
  return `${job.lastUpdatedAt} ${job.id} ${statusText(job)}${progress}`;
}
