/**
 * Lambda entry of `POST /jobs/{nameOrId}`: wires the submit handler to DynamoDB, SQS and the
 * environment the stack sets, once per cold start.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { documentClient } from '../adapters/dynamodb-client';
import { DynamoDbJobStore } from '../adapters/dynamodb-job-store';
import { sqsClient } from '../adapters/sqs-client';
import { SqsJobQueue } from '../adapters/sqs-job-queue';
import { randomIds, systemClock } from '../adapters/system';
import { JobCatalog } from '../core/catalog';
import { submittedCounter } from '../job-metrics';
import { jobTypes } from '../jobs/catalog';
import { DAY_SECONDS, EnvReader, readSettingsOverrides } from '../runtime-config';
import { Env } from '../runtime-env';
import { makeSubmitHandler, type SubmitHandlerDeps } from './submit';

function fromEnvironment(): SubmitHandlerDeps {
  const env = new EnvReader();
  const tableName = env.string(Env.TableName);
  const queueUrls = env.json<Record<string, string>>(Env.QueueUrls);
  const retentionDays = env.positiveNumber(Env.RetentionDays);
  const maxBodyBytes = env.positiveNumber(Env.MaxBodyBytes);
  const catalog = new JobCatalog(jobTypes, readSettingsOverrides(env));
  env.done();
  const logger = new Logger();
  const queues = new Map(
    Object.entries(queueUrls).map(([name, url]) => [name, new SqsJobQueue(sqsClient, url)]),
  );
  return {
    catalog,
    store: new DynamoDbJobStore(documentClient, tableName),
    queueFor: (name) => {
      const queue = queues.get(name);
      if (!queue) throw new Error(`No queue URL is configured for job type '${name}'`);
      return queue;
    },
    clock: systemClock,
    ids: randomIds,
    logger,
    retentionSeconds: retentionDays * DAY_SECONDS,
    maxBodyBytes,
    countSubmitted: submittedCounter(),
  };
}

export const handler = makeSubmitHandler(fromEnvironment());
