/**
 * Lambda entry of `POST /admin/jobs/{name}/redrive`, wired once per cold start.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { sqsClient } from '../adapters/sqs-client';
import { laneUrlMap } from '../queue-names';
import { EnvReader, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { readStageManifest } from '../stage-manifest';
import { tracedHandler } from '../tracer';
import { wireRedriveHandler } from '../wiring';

const env = new EnvReader();
const urlPrefix = env.string(Env.QueueUrlPrefix);
const { lanes } = readStageManifest(env, ['lanes']);
const wiring = {
  documentClient,
  sqsClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  queueUrls: laneUrlMap(urlPrefix, lanes, 'queue'),
  deadLetterQueueUrls: laneUrlMap(urlPrefix, lanes, 'dlq'),
  retentionDays: env.positiveNumber(Env.RetentionDays),
};
env.done();

export const handler = tracedHandler('redrive', wireRedriveHandler(wiring));
