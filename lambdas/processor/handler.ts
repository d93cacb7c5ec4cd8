/**
 * Lambda entry of a job type's processor, wired once per cold start from the environment.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { s3Client } from '../adapters/s3-client';
import { sqsClient } from '../adapters/sqs-client';
import { JobCatalog } from '../core/catalog';
import { jobTypes } from '../jobs/catalog';
import { EnvReader, readPayloadSettings, readSettingsOverrides, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { tracedHandler } from '../tracer';
import { wireProcessorHandler } from '../wiring';

const env = new EnvReader();
const wiring = {
  documentClient,
  sqsClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  jobName: env.string(Env.JobName),
  queueUrl: env.string(Env.QueueUrl),
  deadLetterQueueUrl: env.string(Env.DeadLetterQueueUrl),
  ...highPriorityLane(
    env.optionalString(Env.HighPriorityQueueUrl),
    env.optionalString(Env.HighPriorityDeadLetterQueueUrl),
  ),
  retentionDays: env.positiveNumber(Env.RetentionDays),
  catalog: new JobCatalog(jobTypes, readSettingsOverrides(env)),
  payloads: { s3Client, ...readPayloadSettings(env) },
};
env.done();

export const handler = tracedHandler('processor', wireProcessorHandler(wiring));

/** The high-priority lane's URLs when the stack set both (the job type enables priorities). */
function highPriorityLane(queueUrl: string | undefined, deadLetterQueueUrl: string | undefined) {
  return queueUrl && deadLetterQueueUrl ? { highPriority: { queueUrl, deadLetterQueueUrl } } : {};
}
