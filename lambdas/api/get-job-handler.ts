/**
 * Lambda entry of `GET /jobs/{nameOrId}`, wired once per cold start.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { documentClient } from '../adapters/dynamodb-client';
import { DynamoDbJobStore } from '../adapters/dynamodb-job-store';
import { systemClock } from '../adapters/system';
import { JobCatalog } from '../core/catalog';
import { jobTypes } from '../jobs/catalog';
import { EnvReader, readSettingsOverrides } from '../runtime-config';
import { Env } from '../runtime-env';
import { type GetJobHandlerDeps, makeGetJobHandler } from './get-job';

function fromEnvironment(): GetJobHandlerDeps {
  const env = new EnvReader();
  const tableName = env.string(Env.TableName);
  const catalog = new JobCatalog(jobTypes, readSettingsOverrides(env));
  env.done();
  return {
    catalog,
    store: new DynamoDbJobStore(documentClient, tableName),
    clock: systemClock,
    logger: new Logger(),
  };
}

export const handler = makeGetJobHandler(fromEnvironment());
