/**
 * Lambda entry of a job type's processor, wired once per cold start from the environment.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { s3Client } from '../adapters/s3-client';
import { sqsClient } from '../adapters/sqs-client';
import { JobCatalog } from '../core/catalog';
import { jobTypes } from '../jobs/catalog';
import { hasHighPriorityLane, queueUrl } from '../queue-names';
import { EnvReader, readPayloadSettings, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { readStageManifest } from '../stage-manifest';
import { tracedHandler } from '../tracer';
import { wireProcessorHandler } from '../wiring';

const env = new EnvReader();
const jobName = env.string(Env.JobName);
const urlPrefix = env.string(Env.QueueUrlPrefix);
// The manifest holds this job type's overrides only; the others keep their files' settings.
const catalog = new JobCatalog(jobTypes, readStageManifest(env, ['settings']).settings);
const wiring = {
  documentClient,
  sqsClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  jobName,
  queueUrl: queueUrl(urlPrefix, jobName, 'normal', 'queue'),
  deadLetterQueueUrl: queueUrl(urlPrefix, jobName, 'normal', 'dlq'),
  // The stack gave the job type a high-priority lane exactly when its resolved settings ask for one.
  ...(catalog.has(jobName) && hasHighPriorityLane(catalog.get(jobName).settings)
    ? {
        highPriority: {
          queueUrl: queueUrl(urlPrefix, jobName, 'high', 'queue'),
          deadLetterQueueUrl: queueUrl(urlPrefix, jobName, 'high', 'dlq'),
        },
      }
    : {}),
  retentionDays: env.positiveNumber(Env.RetentionDays),
  catalog,
  payloads: { s3Client, ...readPayloadSettings(env) },
};
env.done();

export const handler = tracedHandler('processor', wireProcessorHandler(wiring));
