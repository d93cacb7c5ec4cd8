/**
 * The prices the cost figures use. The planner's dated price table (`planner/price-table.ts`)
 * is the project's source of truth; until it lands on this branch the benchmark uses this
 * interface and the dated fallback below, copied from the team's AWS facts (third-party mirrors
 * of the AWS pricing pages, us-east-1, first pricing tier).
 */

/** USD prices, us-east-1, first tier. */
export interface BenchPrices {
  /** When these prices were read, ISO date. */
  readonly asOf: string;
  readonly source: string;
  /** API Gateway REST API, per million requests. */
  readonly apiGatewayRestPerMillion: number;
  /** Lambda, per million requests. */
  readonly lambdaRequestsPerMillion: number;
  /** Lambda duration, arm64, per GB-second. */
  readonly lambdaArmPerGbSecond: number;
  /** SQS standard queue, per million requests (64 KB chunks). */
  readonly sqsPerMillion: number;
  /** DynamoDB on-demand, per million write request units. */
  readonly dynamoDbPerMillionWrites: number;
  /** DynamoDB on-demand, per million read request units. */
  readonly dynamoDbPerMillionReads: number;
  /** Step Functions Standard, per state transition. */
  readonly stepFunctionsPerTransition: number;
}

/** Dated fallback: the figures of the team's AWS facts, section "Prices (us-east-1)". */
export const FALLBACK_PRICES: BenchPrices = {
  asOf: '2026-11-27',
  source: 'third-party mirrors of the AWS pricing pages, 2025-2026 (fallback copy in bench/)',
  apiGatewayRestPerMillion: 3.5,
  lambdaRequestsPerMillion: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  sqsPerMillion: 0.4,
  dynamoDbPerMillionWrites: 0.625,
  dynamoDbPerMillionReads: 0.125,
  stepFunctionsPerTransition: 0.000025,
};
