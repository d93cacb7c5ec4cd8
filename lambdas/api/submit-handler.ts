/**
 * Lambda entry of `POST /jobs/{nameOrId}`: wires the submit handler to DynamoDB, SQS and the
 * environment the stack sets, once per cold start.
 */
import { BACKLOG_CACHE_MS } from '../adapters/cached-backlog-gauge';
import { documentClient } from '../adapters/dynamodb-client';
import { s3Client } from '../adapters/s3-client';
import { sqsClient } from '../adapters/sqs-client';
import { JobCatalog } from '../core/catalog';
import { jobTypes } from '../jobs/catalog';
import { lanesOf, laneUrlMap } from '../queue-names';
import { EnvReader, readPayloadSettings, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { readStageManifest } from '../stage-manifest';
import { tracedHandler } from '../tracer';
import { wireSubmitHandler } from '../wiring';

const env = new EnvReader();
const catalog = new JobCatalog(jobTypes, readStageManifest(env, ['settings']).settings);
const wiring = {
  documentClient,
  sqsClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  // Each job type's lanes follow from its resolved settings, as the stack's did.
  queueUrls: laneUrlMap(
    env.string(Env.QueueUrlPrefix),
    lanesOf(catalog.names.map((name) => ({ name, settings: catalog.get(name).settings }))),
    'queue',
  ),
  retentionDays: env.positiveNumber(Env.RetentionDays),
  maxBodyBytes: env.positiveNumber(Env.MaxBodyBytes),
  backlogCacheMs: env.positiveNumber(Env.BacklogCacheSeconds, BACKLOG_CACHE_MS / 1000) * 1000,
  catalog,
  payloads: { s3Client, ...readPayloadSettings(env) },
};
env.done();

export const handler = tracedHandler('submit', wireSubmitHandler(wiring));
