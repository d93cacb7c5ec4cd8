/**
 * Lambda entry of the recovery sweeper, wired once per cold start from the environment.
 */
import { documentClient } from '../adapters/dynamodb-client';
import { sqsClient } from '../adapters/sqs-client';
import { EnvReader, readTableShards } from '../runtime-config';
import { Env } from '../runtime-env';
import { tracedHandler } from '../tracer';
import { wireSweeperHandler } from '../wiring';

const env = new EnvReader();
const wiring = {
  documentClient,
  sqsClient,
  tableName: env.string(Env.TableName),
  shards: readTableShards(env),
  queueUrls: env.json<Record<string, string>>(Env.QueueUrls),
  deadLetterQueueUrls: env.json<Record<string, string>>(Env.DeadLetterQueueUrls),
  staleAfterSeconds: env.json<Record<string, number>>(Env.SweeperStaleAfterSeconds),
  maxJobsPerRun: env.positiveNumber(Env.SweeperMaxJobsPerRun),
  retentionDays: env.positiveNumber(Env.RetentionDays),
};
env.done();

export const handler = tracedHandler('sweeper', wireSweeperHandler(wiring));
