/**
 * How many jobs a local table holds, by status: what the banner reports after a restart.
 */
import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { FailedJob } from './dead-letters';

/** Jobs by status (only statuses found), and their total. */
export interface JobCensus {
  readonly total: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** The Failed jobs, whose DLQ copies a restart must send again. */
  readonly failed?: readonly FailedJob[];
}

/**
 * Counts the table's jobs by status, and lists the Failed ones, with a paginated Scan of a few
 * attributes (a local table only: on AWS a Scan of a large table is slow and billed per item read).
 */
export async function countJobs(
  documentClient: DynamoDBDocumentClient,
  tableName: string,
): Promise<JobCensus> {
  const byStatus: Record<string, number> = {};
  const failed: FailedJob[] = [];
  let total = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new ScanCommand({
        TableName: tableName,
        ProjectionExpression: '#id, #status, #name, #priority, #error, #updated',
        ExpressionAttributeNames: {
          '#updated': 'lastUpdatedAt',
          '#id': 'id',
          '#status': 'status',
          '#name': 'name',
          '#priority': 'priority',
          '#error': 'error',
        },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) {
      const status = String(item.status ?? 'unknown');
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      total += 1;
      if (status === 'Failed') failed.push(item as FailedJob);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { total, byStatus, failed };
}

/** `12 jobs (10 Completed, 2 Failed)`, statuses in a stable order. */
export function describeCensus(census: JobCensus): string {
  const parts = Object.entries(census.byStatus)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, count]) => `${count} ${status}`);
  const noun = census.total === 1 ? 'job' : 'jobs';
  return parts.length > 0 ? `${census.total} ${noun} (${parts.join(', ')})` : `0 jobs`;
}
