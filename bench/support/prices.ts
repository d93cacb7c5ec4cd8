/**
 * The prices the cost figures use: the planner's dated price table (`planner/price-table.ts`,
 * us-east-1, first tier: a million jobs a month never leaves it), plus Step Functions Standard,
 * which the project does not use and the table therefore leaves out.
 */
import { PRICES, type PriceTable } from '../../planner/price-table';

/** USD prices, us-east-1, first tier, flattened for the cost model. */
export interface BenchPrices {
  /** When these prices were compiled, ISO date. */
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

/**
 * Step Functions Standard: $0.025 per 1,000 state transitions, from the team's AWS facts
 * (third-party mirror wring.co of the AWS pricing page, 2025-2026).
 */
export const STEP_FUNCTIONS_STANDARD = { perTransition: 0.000025, asOf: '2025-2026' } as const;

/** The first-tier prices of `table`, with Step Functions added. */
export function benchPrices(table: PriceTable = PRICES): BenchPrices {
  const rest = table.apiGateway.restRequests[0];
  if (!rest) throw new Error('The price table has no REST API tier');
  return {
    asOf: table.compiledOn,
    source: `planner/price-table.ts (${table.region}, compiled ${table.compiledOn}); Step Functions ${STEP_FUNCTIONS_STANDARD.asOf}`,
    apiGatewayRestPerMillion: rest.perMillion,
    lambdaRequestsPerMillion: table.lambda.requestsPerMillion,
    lambdaArmPerGbSecond: table.lambda.gbSecondArm64,
    sqsPerMillion: table.sqs.standardPerMillion,
    dynamoDbPerMillionWrites: table.dynamoDb.wruPerMillion,
    dynamoDbPerMillionReads: table.dynamoDb.rruPerMillion,
    stepFunctionsPerTransition: STEP_FUNCTIONS_STANDARD.perTransition,
  };
}
