/**
 * Lambda entry of `POST /jobs/{nameOrId}/retry`, wired once per cold start.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { sqsClient } from '../adapters/sqs-client';
import { JobCatalog } from '../core/catalog';
import { jobTypes } from '../jobs/catalog';
import { EnvReader, readSettingsOverrides, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { tracedHandler } from '../tracer';
import { wireRetryJobHandler } from '../wiring';

const env = new EnvReader();
const wiring = {
  documentClient,
  sqsClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  queueUrls: env.json<Record<string, string>>(Env.QueueUrls),
  retentionDays: env.positiveNumber(Env.RetentionDays),
  catalog: new JobCatalog(jobTypes, readSettingsOverrides(env)),
};
env.done();

export const handler = tracedHandler('retry-job', wireRetryJobHandler(wiring));
