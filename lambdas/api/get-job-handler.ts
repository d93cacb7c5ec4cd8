/**
 * Lambda entry of `GET /jobs/{nameOrId}`, wired once per cold start.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { s3Client } from '../adapters/s3-client';
import { JobCatalog } from '../core/catalog';
import { jobTypes } from '../jobs/catalog';
import { EnvReader, readPayloadSettings, readSettingsOverrides, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { tracedHandler } from '../tracer';
import { wireGetJobHandler } from '../wiring';

const env = new EnvReader();
const wiring = {
  documentClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  catalog: new JobCatalog(jobTypes, readSettingsOverrides(env)),
  payloads: { s3Client, ...readPayloadSettings(env) },
};
env.done();

export const handler = tracedHandler('get-job', wireGetJobHandler(wiring));
