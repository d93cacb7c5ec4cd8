/**
 * A plan's monthly cost by service, from the dated price table.
 */
import {
  ALARMS_PER_JOB_TYPE,
  API_MEMORY_GB,
  CUSTOM_METRICS_PER_JOB_TYPE,
  DASHBOARDS,
  GB,
  IDLE_RECEIVES_PER_MINUTE,
  LOG_BYTES,
  MONTH_MINUTES,
  POLL_SECONDS,
  SUBMIT_SECONDS,
} from './assumptions';
import type { JobFootprint } from './job-footprint';
import type { Concurrency, RecommendedSettings } from './plan';
import { PRICES, type PriceTable, tieredCost } from './price-table';

/** One service's line of the bill. */
export interface CostLine {
  readonly service: 'API Gateway (REST)' | 'Lambda' | 'SQS' | 'DynamoDB' | 'CloudWatch';
  /** USD per month. */
  readonly monthlyUsd: number;
  /** How it was counted. */
  readonly detail: string;
}

/** A plan's monthly cost. */
export interface CostBreakdown {
  readonly jobsPerMonth: number;
  readonly lines: readonly CostLine[];
  /** USD per month, everything. */
  readonly totalUsd: number;
  /** USD per million jobs, the part that grows with traffic (no storage, no fixed costs). */
  readonly perMillionJobsUsd: number;
  /** USD per month whatever the traffic: metrics, alarms, dashboard, idle polling. */
  readonly fixedUsd: number;
  /** The price table's date. */
  readonly pricesAsOf: string;
}

/** What {@link monthlyCost} reads from a plan. */
export interface CostInputs {
  readonly input: { readonly ratePerMinute: number; readonly memoryMiB: number };
  readonly concurrency: Concurrency;
  readonly settings: RecommendedSettings;
  readonly requests: { readonly pollsPerJob: number; readonly footprint: JobFootprint };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const gb = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** The monthly bill of a plan, by service. */
export function monthlyCost(plan: CostInputs, prices: PriceTable = PRICES): CostBreakdown {
  const { concurrency, settings, requests } = plan;
  const fp = requests.footprint;
  const jobs = plan.input.ratePerMinute * MONTH_MINUTES;
  const polls = requests.pollsPerJob;

  const apiRequests = jobs * (1 + polls);
  const processorInvocations = jobs / concurrency.jobsPerInvocation;
  const lambdaRequests = apiRequests + processorInvocations;
  const apiGbSeconds = jobs * API_MEMORY_GB * (SUBMIT_SECONDS + polls * POLL_SECONDS);
  const processorGbSeconds =
    processorInvocations * (plan.input.memoryMiB / 1024) * concurrency.secondsPerInvocation;
  // Receives return at most 10 messages and DeleteMessageBatch takes at most 10.
  const perCall = Math.min(concurrency.jobsPerInvocation, 10);
  const sqsVariable = jobs * (fp.messagesSent * fp.chunksPerMessage + 2 / perCall);
  const sqsIdle = IDLE_RECEIVES_PER_MINUTE * MONTH_MINUTES;
  const wru = jobs * fp.totalWru;
  const rru = jobs * (polls * fp.rruPerPoll + fp.cancelCheckRru);
  const retained = plan.input.ratePerMinute * 1440 * settings.retentionDays;
  // The table holds every retained record, and ByOwner a summary of each (Active holds only
  // unfinished jobs: negligible).
  const tableGb = (retained * fp.sizes.completed) / GB;
  const byOwnerGb = (retained * fp.indexEntries.byOwner) / GB;
  const logBytes =
    apiRequests * LOG_BYTES.accessLogPerRequest +
    lambdaRequests * LOG_BYTES.platformPerInvocation +
    jobs * LOG_BYTES.deliveryLinePerJob +
    (jobs + processorInvocations) * LOG_BYTES.emfPerInvocation;
  const fixedCloudWatch =
    CUSTOM_METRICS_PER_JOB_TYPE * prices.cloudWatch.customMetricPerMonth +
    ALARMS_PER_JOB_TYPE * prices.cloudWatch.alarmPerMonth +
    DASHBOARDS * prices.cloudWatch.dashboardPerMonth;

  const api = tieredCost(apiRequests, prices.apiGateway.restRequests);
  const lambda =
    (lambdaRequests / 1e6) * prices.lambda.requestsPerMillion +
    (apiGbSeconds + processorGbSeconds) * prices.lambda.gbSecondArm64;
  const sqsVariableUsd = (sqsVariable / 1e6) * prices.sqs.standardPerMillion;
  const sqsIdleUsd = (sqsIdle / 1e6) * prices.sqs.standardPerMillion;
  const dynamoVariable =
    (wru / 1e6) * prices.dynamoDb.wruPerMillion + (rru / 1e6) * prices.dynamoDb.rruPerMillion;
  const dynamoStorage =
    (tableGb + byOwnerGb) * prices.dynamoDb.storagePerGbMonth + tableGb * prices.dynamoDb.pitrPerGbMonth;
  const logsUsd = (logBytes / GB) * prices.cloudWatch.logsIngestionPerGb;

  const lines: CostLine[] = [
    {
      service: 'API Gateway (REST)',
      monthlyUsd: api,
      detail: `${fmt(apiRequests)} requests (1 submit + ${polls} polls per job), tiered`,
    },
    {
      service: 'Lambda',
      monthlyUsd: lambda,
      detail: `${fmt(lambdaRequests)} invocations; ${fmt(apiGbSeconds + processorGbSeconds)} GB-s arm64 (processor ${fmt(processorGbSeconds)}: ${plan.input.memoryMiB} MiB x ${concurrency.secondsPerInvocation.toFixed(2)} s per invocation of ${concurrency.jobsPerInvocation} job(s))`,
    },
    {
      service: 'SQS',
      monthlyUsd: sqsVariableUsd + sqsIdleUsd,
      detail: `${fmt(sqsVariable)} requests (send, receive and delete per batch of ${perCall}) + ${fmt(sqsIdle)} idle long polls`,
    },
    {
      service: 'DynamoDB',
      monthlyUsd: dynamoVariable + dynamoStorage,
      detail: `${fmt(wru)} WRU (${fp.totalWru} per job: table ${fp.tableWru}, ByOwner ${fp.byOwnerWru}, Active ${fp.activeWru}), ${fmt(rru)} RRU (${fp.rruPerPoll} per poll, ${fp.cancelCheckRru} per job in ${fp.cancelChecks} cancel checks); ${gb(tableGb)} GB retained (${settings.retentionDays} days) in the table, ${gb(byOwnerGb)} GB of entries in ByOwner, plus PITR`,
    },
    {
      service: 'CloudWatch',
      monthlyUsd: logsUsd + fixedCloudWatch,
      detail: `${gb(logBytes / GB)} GB of logs and EMF; ${CUSTOM_METRICS_PER_JOB_TYPE} custom metrics, ${ALARMS_PER_JOB_TYPE} alarms, ${DASHBOARDS} dashboard`,
    },
  ];
  const variable = api + lambda + sqsVariableUsd + dynamoVariable + logsUsd;
  return {
    jobsPerMonth: jobs,
    lines,
    totalUsd: lines.reduce((sum, line) => sum + line.monthlyUsd, 0),
    perMillionJobsUsd: (variable / jobs) * 1e6,
    fixedUsd: fixedCloudWatch + sqsIdleUsd,
    pricesAsOf: prices.compiledOn,
  };
}
