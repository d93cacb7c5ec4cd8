/**
 * Lambda entry of `GET /jobs`, wired once per cold start.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { EnvReader, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { tracedHandler } from '../tracer';
import { wireListJobsHandler } from '../wiring';

const env = new EnvReader();
const wiring = { documentClient, tableName: env.string(Env.TableName), shards: readTableShards(env) };
env.done();

export const handler = tracedHandler('list-jobs', wireListJobsHandler(wiring));
