/**
 * The planner's modelling assumptions, each with its reason, in one place so a benchmark can
 * replace a guess with a measurement.
 */
import { JobMetric } from '../lambdas/metric-names';

/** Hours in a billing month (AWS's convention: 365 x 24 / 12). */
export const MONTH_HOURS = 730;

/** Minutes in a billing month. */
export const MONTH_MINUTES = MONTH_HOURS * 60;

/**
 * Concurrency headroom over the Little's-law mean. Arrivals are bursty (a Poisson stream's
 * busy seconds run well above its mean, and real traffic has peaks), retries add attempts, cold
 * starts lengthen the first invocations, and a queue that is never allowed to catch up only
 * grows. 1.5x keeps utilization at two thirds at the mean rate.
 */
export const HEADROOM = 1.5;

/**
 * Seconds each processor invocation spends besides the handler: the claim and the outcome
 * write (two DynamoDB round trips), logging and metrics. Records of a batch run in parallel,
 * so it is paid once per invocation.
 */
export const PROCESSOR_OVERHEAD_SECONDS = 0.05;

/** Memory of the API functions, GB (256 MiB, `JobApi`'s default). */
export const API_MEMORY_GB = 0.25;

/** Billed seconds of a submit (validate, one PutItem, one SendMessage): the reference estimate. */
export const SUBMIT_SECONDS = 0.04;

/** Billed seconds of a status poll (one GetItem): the reference estimate. */
export const POLL_SECONDS = 0.015;

/**
 * How long the event source gathers a batch when no batching window is set, seconds: a long
 * poll returns within about a second once messages trickle in. A batch holds what arrives in
 * `max(window, this)`, up to the batch size.
 */
export const MIN_GATHER_SECONDS = 1;

/** Concurrent batches an event source starts with, and its scale-up per minute (standard mode). */
export const ESM_START_CONCURRENCY = 5;
export const ESM_SCALE_UP_PER_MINUTE = 300;
/** Concurrency an event source in provisioned mode adds per minute above its minimum pollers. */
export const ESM_PROVISIONED_SCALE_UP_PER_MINUTE = 1000;

/** Idle long polls per queue per minute: 5 pollers, one 20 s receive each, 3 a minute. */
export const IDLE_RECEIVES_PER_MINUTE = 15;

/**
 * CloudWatch Logs bytes, estimated from the log lines the code writes:
 * - every API request: one JSON access log line (`jsonWithStandardFields`);
 * - every Lambda invocation: the platform's START, END and REPORT lines;
 * - every processed job: the processor's "Delivery handled" line (Powertools JSON with the
 *   Lambda context, job id and outcome);
 * - every submit and every processor invocation: one EMF metrics document.
 */
export const LOG_BYTES = {
  accessLogPerRequest: 400,
  platformPerInvocation: 350,
  deliveryLinePerJob: 500,
  emfPerInvocation: 600,
} as const;

/** Custom metrics per job type: the EMF job metrics (one per name, dimensions service + JobName). */
export const CUSTOM_METRICS_PER_JOB_TYPE = Object.keys(JobMetric).length;

/**
 * Alarms per job type in today's stack (dead letters, oldest message age, processor errors and
 * throttles); the stage-wide ones (API 5XX, table throttles) are left out as noise.
 */
export const ALARMS_PER_JOB_TYPE = 4;

/** Dashboards per stack. */
export const DASHBOARDS = 1;

/** Bytes in a GB as AWS bills storage and log ingestion. */
export const GB = 1024 ** 3;
