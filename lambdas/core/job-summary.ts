/**
 * What a listing holds of a job: a few fields, never the full record (inputs, results and
 * history stay behind `GET /jobs/{id}`). The DynamoDB store reads the immutable ones from the
 * `ByOwner` index and the live ones (status, timestamps, expiry) from the table.
 */
import type { Job } from './job';
import type { JobStatus } from './job-status';

/** A job as a listing sees it. */
export type JobSummary = Pick<
  Job,
  'id' | 'name' | 'status' | 'createdAt' | 'startedAt' | 'completedAt' | 'expiresAt'
>;

/** The summary JSON `GET /jobs` returns for each job. */
export interface JobSummaryView {
  id: string;
  name: string;
  status: JobStatus;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** Where the full job lives: `GET` this path (the API's base path included). */
  href: string;
}

/** The summary of a full record: what a store projects for its listing. */
export function summaryOf(job: JobSummary): JobSummary {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    createdAt: job.createdAt,
    ...(job.startedAt === undefined ? {} : { startedAt: job.startedAt }),
    ...(job.completedAt === undefined ? {} : { completedAt: job.completedAt }),
    expiresAt: job.expiresAt,
  };
}

export function toJobSummaryView(job: JobSummary, href: string): JobSummaryView {
  return {
    id: job.id,
    name: job.name,
    status: job.status,
    createdAt: job.createdAt,
    startedAt: job.startedAt ?? null,
    completedAt: job.completedAt ?? null,
    href,
  };
}
