/**
 * Lambda entry of `POST /jobs/{nameOrId}/retry`, wired once per cold start.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { sqsClient } from '../adapters/sqs-client';
import { PollIntervals } from '../core/catalog';
import { EnvReader, readTableShards } from '../runtime-config';
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
  // Only the poll intervals: the job types' schemas and handlers stay out of this bundle.
  catalog: new PollIntervals(env.json<Record<string, number>>(Env.PollIntervals)),
};
env.done();

export const handler = tracedHandler('retry-job', wireRetryJobHandler(wiring));
