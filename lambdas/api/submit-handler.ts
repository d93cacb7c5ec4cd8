/**
 * Lambda entry of `POST /jobs/{nameOrId}`: wires the submit handler to DynamoDB, SQS and the
 * environment the stack sets, once per cold start.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { documentClient } from '../adapters/dynamodb-client';
import { DynamoDbJobStore } from '../adapters/dynamodb-job-store';
import { sqsClient } from '../adapters/sqs-client';
import { SqsJobQueue } from '../adapters/sqs-job-queue';
import { randomIds, systemClock } from '../adapters/system';
import { JobCatalog } from '../core/catalog';
import { jobTypes } from '../jobs/catalog';
import { JOB_NAME_DIMENSION, JobMetric, METRICS_NAMESPACE } from '../metric-names';
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
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE });
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
    countSubmitted: (jobName) => {
      const metric = metrics.singleMetric();
      metric.addDimension(JOB_NAME_DIMENSION, jobName);
      metric.addMetric(JobMetric.Submitted, MetricUnit.Count, 1);
    },
  };
}

export const handler = makeSubmitHandler(fromEnvironment());
