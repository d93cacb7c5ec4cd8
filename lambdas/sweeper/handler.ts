/**
 * Lambda entry of the recovery sweeper, wired once per cold start from the environment.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { sqsClient } from '../adapters/sqs-client';
import { laneUrlMap } from '../queue-names';
import { EnvReader, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { readStageManifest } from '../stage-manifest';
import { tracedHandler } from '../tracer';
import { wireSweeperHandler } from '../wiring';

const env = new EnvReader();
const urlPrefix = env.string(Env.QueueUrlPrefix);
const { lanes, staleAfterSeconds } = readStageManifest(env, ['lanes', 'staleAfterSeconds']);
const wiring = {
  documentClient,
  sqsClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  queueUrls: laneUrlMap(urlPrefix, lanes, 'queue'),
  deadLetterQueueUrls: laneUrlMap(urlPrefix, lanes, 'dlq'),
  staleAfterSeconds,
  maxJobsPerRun: env.positiveNumber(Env.SweeperMaxJobsPerRun),
  retentionDays: env.positiveNumber(Env.RetentionDays),
};
env.done();

export const handler = tracedHandler('sweeper', wireSweeperHandler(wiring));
