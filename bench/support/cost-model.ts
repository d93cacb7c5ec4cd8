/**
 * Dollars per million jobs of platform overhead: what running a job costs besides the job's
 * own compute and the client's status polls. Three designs are priced from per-job usage:
 *
 *   this project   API GW REST -> submit Lambda -> DynamoDB + SQS -> event source (batches)
 *                  -> processor Lambda -> DynamoDB (claim, outcome)
 *   plain sample   API GW REST -> submit Lambda -> SQS -> event source -> Lambda -> DynamoDB
 *                  (aws-samples apigw-sqs-lambda-ddb shape: no status record, no claim)
 *   Step Functions API GW REST -> StartExecution (service integration, no Lambda) -> Standard
 *                  workflow {@link STEP_FUNCTIONS_WORKFLOW}
 */
import type { BenchPrices } from './prices';

/**
 * Lambda durations on AWS, which a local run cannot measure (its emulators' latency under a
 * loaded machine is 10-50x AWS's in-Region latency): the submit function's 40 ms is the team's
 * AWS facts estimate for the accept function; a processor batch's platform share (a claim and
 * an outcome write per record, records in parallel, plus the handler's CPU) is put at 60 ms.
 * Lambda duration is under 3% of the total at these figures, so the error they carry is small.
 */
export const AWS_DURATION_ASSUMPTIONS = { submitMs: 40, processorMsPerBatch: 60 } as const;

/** What one job uses, on average. */
export interface PlatformUsage {
  /** API Gateway requests (the submit). */
  readonly apiRequests: number;
  /** Submit Lambda invocations and each one's billed milliseconds and memory. */
  readonly submitInvocations: number;
  readonly submitMs: number;
  readonly submitMemoryMiB: number;
  /** Billed SQS requests (64 KB chunks; every message here is far smaller). */
  readonly sqsRequests: number;
  /** DynamoDB write and read request units, base table and indexes. */
  readonly dynamoDbWriteUnits: number;
  readonly dynamoDbReadUnits: number;
  /** Processor invocations per job (deliveries / batch fill) and each one's ms and memory. */
  readonly processorInvocations: number;
  readonly processorMs: number;
  readonly processorMemoryMiB: number;
}

/** Dollars per million jobs, by part. */
export interface CostBreakdown {
  readonly apiGateway: number;
  readonly submitLambda: number;
  readonly sqs: number;
  readonly dynamoDb: number;
  readonly processorLambda: number;
  readonly stepFunctions: number;
  readonly total: number;
}

/** Lambda's cost of `invocations` of `ms` each (billed per started ms) at `memoryMiB`. */
function lambdaCost(prices: BenchPrices, invocations: number, ms: number, memoryMiB: number): number {
  const gbSeconds = invocations * (Math.ceil(ms) / 1000) * (memoryMiB / 1024);
  return (invocations * prices.lambdaRequestsPerMillion) / 1e6 + gbSeconds * prices.lambdaArmPerGbSecond;
}

/** USD per million jobs of `usage`. */
export function costPerMillionJobs(usage: PlatformUsage, prices: BenchPrices): CostBreakdown {
  const perJob = {
    apiGateway: (usage.apiRequests * prices.apiGatewayRestPerMillion) / 1e6,
    submitLambda: lambdaCost(prices, usage.submitInvocations, usage.submitMs, usage.submitMemoryMiB),
    sqs: (usage.sqsRequests * prices.sqsPerMillion) / 1e6,
    dynamoDb:
      (usage.dynamoDbWriteUnits * prices.dynamoDbPerMillionWrites +
        usage.dynamoDbReadUnits * prices.dynamoDbPerMillionReads) /
      1e6,
    processorLambda: lambdaCost(
      prices,
      usage.processorInvocations,
      usage.processorMs,
      usage.processorMemoryMiB,
    ),
    stepFunctions: 0,
  };
  return perMillion(perJob);
}

/**
 * The Step Functions Standard workflow the comparison prices: the same job contract (accept,
 * run with retries on transient errors, end Completed or Failed), in Amazon States Language.
 * API Gateway starts it with a StartExecution service integration, so no submit Lambda; the
 * execution itself is the status record (DescribeExecution).
 */
export const STEP_FUNCTIONS_WORKFLOW = {
  StartAt: 'RunJob',
  States: {
    RunJob: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Retry: [
        {
          ErrorEquals: ['TransientJobError'],
          MaxAttempts: 3,
          IntervalSeconds: 2,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'JobFailed' }],
      Next: 'JobCompleted',
    },
    JobCompleted: { Type: 'Succeed' },
    JobFailed: { Type: 'Fail' },
  },
} as const;

/**
 * Billed state transitions of {@link STEP_FUNCTIONS_WORKFLOW} for a job run `attempts` times:
 * one per state entered, and one more per retry of the Task (AWS bills retries as
 * transitions). Success: RunJob, JobCompleted. Permanent failure: RunJob, JobFailed.
 */
export function stepFunctionsTransitions(attempts: number): number {
  return attempts + 1;
}

/** USD per million jobs on Step Functions Standard, each run `attempts` times. */
export function stepFunctionsCostPerMillionJobs(attempts: number, prices: BenchPrices): CostBreakdown {
  return perMillion({
    apiGateway: prices.apiGatewayRestPerMillion / 1e6,
    submitLambda: 0,
    sqs: 0,
    dynamoDb: 0,
    // One Lambda request per attempt of the Task; its duration is the job's own compute.
    processorLambda: (attempts * prices.lambdaRequestsPerMillion) / 1e6,
    stepFunctions: stepFunctionsTransitions(attempts) * prices.stepFunctionsPerTransition,
  });
}

function perMillion(perJob: Omit<CostBreakdown, 'total'>): CostBreakdown {
  const scaled = Object.fromEntries(Object.entries(perJob).map(([part, usd]) => [part, usd * 1e6])) as Omit<
    CostBreakdown,
    'total'
  >;
  const total = Object.values(scaled).reduce((sum, usd) => sum + usd, 0);
  return { ...scaled, total };
}
