/**
 * Lambda entry of `POST /admin/jobs/{name}/redrive`, wired once per cold start.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { sqsClient } from '../adapters/sqs-client';
import { EnvReader, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { tracedHandler } from '../tracer';
import { wireRedriveHandler } from '../wiring';

const env = new EnvReader();
const wiring = {
  documentClient,
  sqsClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  queueUrls: env.json<Record<string, string>>(Env.QueueUrls),
  deadLetterQueueUrls: env.json<Record<string, string>>(Env.DeadLetterQueueUrls),
  retentionDays: env.positiveNumber(Env.RetentionDays),
};
env.done();

export const handler = tracedHandler('redrive', wireRedriveHandler(wiring));
