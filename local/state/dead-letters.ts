/**
 * Dead letters across restarts: the DLQs live in fauxqs' memory, but every Failed job in the
 * table had its DLQ copy (the processor, the sweeper and the DLQ reconciliation all record
 * Failed with one; retry and redrive take the job out of Failed), except one refused at
 * submission (`ENQUEUE_FAILED`, never dead-lettered). At start, each Failed job's
 * copy is sent again to its lane's DLQ, in the format every writer uses, so the dead-letter
 * inbox and redrive see after a restart what they saw before it.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { SqsDeadLetterQueue } from '../../lambdas/adapters/sqs-dead-letter-queue';
import type { Job } from '../../lambdas/core/job';
import { laneOf } from '../../lambdas/core/priority';
import { ENQUEUE_FAILED } from '../../lambdas/core/use-cases/submit-job';
import { highPriorityKey } from '../../lambdas/runtime-env';

/** A Failed job as the census read it. */
export type FailedJob = Pick<Job, 'id' | 'name' | 'priority' | 'error' | 'lastUpdatedAt'>;

/** Copies sent at once. */
const IN_PARALLEL = 16;

/**
 * Sends each Failed job's DLQ copy again; a job of a type with no DLQ here, or refused at
 * submission, is skipped.
 * @returns how many copies were sent
 */
export async function restoreDeadLetters(
  sqsClient: SQSClient,
  deadLetterQueueUrls: Readonly<Record<string, string>>,
  failed: readonly FailedJob[],
): Promise<number> {
  const send = async (job: FailedJob): Promise<number> => {
    const normal = deadLetterQueueUrls[job.name];
    if (!normal || job.error?.code === ENQUEUE_FAILED) return 0;
    const high = deadLetterQueueUrls[highPriorityKey(job.name)];
    const url = laneOf({ normal, ...(high ? { high } : {}) }, job);
    const error = job.error ?? { code: 'UNKNOWN', message: 'Failed before the restart' };
    await new SqsDeadLetterQueue(sqsClient, url).send(job, error);
    return 1;
  };
  let sent = 0;
  for (let i = 0; i < failed.length; i += IN_PARALLEL) {
    const done = await Promise.all(failed.slice(i, i + IN_PARALLEL).map(send));
    sent += done.reduce((a, b) => a + b, 0);
  }
  return sent;
}
