/** Human-readable output of jobs, pages, redrive results and API errors. */
import type { JobOf, JobPage, JobSummaryOf, JobsApiError, UntypedJobTypes } from '../client';
import type { RedriveResult } from '../lambdas/core/use-cases/redrive-dead-letters';

/** A job of any type, as the CLI sees it. */
export type AnyJob = JobOf<UntypedJobTypes>;

/** A listed job of any type (a summary). */
export type AnyJobSummary = JobSummaryOf<UntypedJobTypes>;

/** A job, one field per line. */
export function formatJob(job: AnyJob): string {
  const lines = [`Job ${job.id} (${job.name})`, row('Status', statusText(job))];
  lines.push(row('Attempt', `${job.attempt} (retries ${job.retryCount} of ${job.maxRetries})`));
  lines.push(row('Created', job.createdAt));
  if (job.startedAt) lines.push(row('Started', job.startedAt));
  if (job.completedAt) lines.push(row('Finished', job.completedAt));
  if (job.retryDelayUntil && job.status === 'Scheduled') lines.push(row('Next try', job.retryDelayUntil));
  if (job.progress) lines.push(row('Progress', progressText(job.progress)));
  if (job.error) lines.push(row('Error', `${job.error.code}: ${job.error.message}`));
  if (job.status === 'Completed') lines.push(row('Result', JSON.stringify(job.result)));
  return lines.join('\n');
}

/** A page of listed jobs as a table (`get <id>` shows one in full). */
export function formatJobTable(jobs: readonly AnyJobSummary[]): string {
  if (jobs.length === 0) return 'No jobs.';
  const header = ['ID', 'NAME', 'STATUS', 'CREATED', 'FINISHED'];
  const rows = jobs.map((job) => [job.id, job.name, job.status, job.createdAt, job.completedAt ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A list page, with how to get the next one. */
export function formatPage(page: JobPage<AnyJobSummary>): string {
  const table = formatJobTable(page.items);
  return page.nextCursor ? `${table}\nMore: --cursor ${page.nextCursor}` : table;
}

/** What a redrive run did. */
export function formatRedrive(name: string, result: RedriveResult): string {
  const lines = [
    `Redrive of ${name}: ${result.moved} moved, ${result.stale} stale, ${result.notFound} not found, ${result.skipped} skipped, ${result.errors} errors`,
  ];
  lines.push(
    result.complete
      ? `Complete (${result.stoppedBy}).`
      : `Not complete (stopped by ${result.stoppedBy}): run it again for the rest.`,
  );
  return lines.join('\n');
}

/** An API error: status, code, detail, and each field the API named. */
export function formatApiError(error: JobsApiError): string {
  const lines = [`Error: ${error.status} ${error.code}: ${error.problem.detail ?? error.problem.title}`];
  for (const issue of error.problem.errors ?? []) lines.push(`  ${issue.path}: ${issue.message}`);
  if (error.retryAfterSeconds !== undefined) lines.push(`  Retry after ${error.retryAfterSeconds} s.`);
  return lines.join('\n');
}

/** `InProgress (cancel requested)` and the like. */
export function statusText(job: AnyJob): string {
  return job.cancelRequested && job.status === 'InProgress' ? 'InProgress (cancel requested)' : job.status;
}

/** `40% downloading`. */
export function progressText(progress: NonNullable<AnyJob['progress']>): string {
  return [progress.percent !== undefined ? `${progress.percent}%` : '', progress.message ?? '']
    .filter(Boolean)
    .join(' ');
}

function row(label: string, value: string): string {
  return `  ${`${label}:`.padEnd(10)} ${value}`;
}
