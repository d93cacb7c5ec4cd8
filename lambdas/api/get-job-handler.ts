/**
 * Lambda entry of `GET /jobs/{nameOrId}`, wired once per cold start.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { s3Client } from '../adapters/s3-client';
import { PollIntervals } from '../core/catalog';
import { EnvReader, readPayloadSettings, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { readStageManifest } from '../stage-manifest';
import { tracedHandler } from '../tracer';
import { wireGetJobHandler } from '../wiring';

const env = new EnvReader();
const wiring = {
  documentClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  // Only the poll intervals: the job types' schemas and handlers stay out of this bundle.
  catalog: new PollIntervals(readStageManifest(env, ['pollIntervals']).pollIntervals),
  payloads: { s3Client, ...readPayloadSettings(env) },
};
env.done();

export const handler = tracedHandler('get-job', wireGetJobHandler(wiring));
