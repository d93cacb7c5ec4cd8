/**
 * Lambda entry of a job type's processor, wired once per cold start from the environment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { documentClient } from '../adapters/dynamodb-client';
import { DynamoDbJobStore } from '../adapters/dynamodb-job-store';
import { sqsClient } from '../adapters/sqs-client';
import { sqsDelivery } from '../adapters/sqs-delivery';
import { randomIds, systemClock } from '../adapters/system';
import { JobCatalog } from '../core/catalog';
import { processorMetrics } from '../job-metrics';
import { jobTypes } from '../jobs/catalog';
import { DAY_SECONDS, EnvReader, readSettingsOverrides } from '../runtime-config';
import { Env } from '../runtime-env';
import { makeProcessorHandler, type ProcessorHandlerDeps } from './process-batch';

function fromEnvironment(): ProcessorHandlerDeps {
  const env = new EnvReader();
  const tableName = env.string(Env.TableName);
  const jobName = env.string(Env.JobName);
  const queueUrl = env.string(Env.QueueUrl);
  const deadLetterQueueUrl = env.string(Env.DeadLetterQueueUrl);
  const retentionDays = env.positiveNumber(Env.RetentionDays);
  const catalog = new JobCatalog(jobTypes, readSettingsOverrides(env));
  env.done();
  const options = { client: sqsClient, queueUrl, deadLetterQueueUrl };
  return {
    catalog,
    jobName,
    store: new DynamoDbJobStore(documentClient, tableName),
    clock: systemClock,
    ids: randomIds,
    retentionSeconds: retentionDays * DAY_SECONDS,
    logger: new Logger({ persistentKeys: { jobName } }),
    metrics: processorMetrics(jobName),
    deliveryFor: (record, jobId) => sqsDelivery(record, jobId, options),
  };
}

export const handler = makeProcessorHandler(fromEnvironment());
