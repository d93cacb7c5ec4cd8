/**
 * Lambda entry of `DELETE /jobs/{nameOrId}`, wired once per cold start.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { EnvReader, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { tracedHandler } from '../tracer';
import { wireCancelJobHandler } from '../wiring';

const env = new EnvReader();
const wiring = {
  documentClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  retentionDays: env.positiveNumber(Env.RetentionDays),
};
env.done();

export const handler = tracedHandler('cancel-job', wireCancelJobHandler(wiring));
