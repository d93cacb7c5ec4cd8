/**
 * Lambda entry of `POST /jobs/{nameOrId}/retry`, wired once per cold start.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { sqsClient } from '../adapters/sqs-client';
import { PollIntervals } from '../core/catalog';
import { laneUrlMap } from '../queue-names';
import { EnvReader, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { readStageManifest } from '../stage-manifest';
import { tracedHandler } from '../tracer';
import { wireRetryJobHandler } from '../wiring';

const env = new EnvReader();
const manifest = readStageManifest(env, ['pollIntervals', 'lanes']);
const wiring = {
  documentClient,
  sqsClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  queueUrls: laneUrlMap(env.string(Env.QueueUrlPrefix), manifest.lanes, 'queue'),
  retentionDays: env.positiveNumber(Env.RetentionDays),
  // Only the poll intervals: the job types' schemas and handlers stay out of this bundle.
  catalog: new PollIntervals(manifest.pollIntervals),
};
env.done();

export const handler = tracedHandler('retry-job', wireRetryJobHandler(wiring));
