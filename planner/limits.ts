import { NEW_ON_DEMAND_THROUGHPUT } from '../lib/config-warm-throughput';

/**
 * The AWS limits a plan is checked against (defaults per account and Region unless stated).
 * Sources: the project's AWS reference notes, sections 1, 2, 5 and 6, and the DynamoDB
 * developer guide's service quotas and partition limits.
 */
export const AWS_LIMITS = {
  /** Lambda concurrent executions per account and Region (Service Quotas L-B99A9384); raisable. */
  lambdaAccountConcurrency: 1000,
  /** Concurrency Lambda always keeps unreserved. */
  lambdaUnreserved: 100,
  /** SQS event source: `MaximumConcurrency` ceiling per mapping (hard). */
  esmMaxConcurrency: 1000,
  /** SQS event source in provisioned mode: concurrency per mapping (2,000 pollers x 10, hard). */
  esmProvisionedMaxConcurrency: 20_000,
  /** API Gateway requests per second per account and Region, all APIs (raisable). */
  apiGatewayRps: 10_000,
  /** API Gateway burst per account and Region. */
  apiGatewayBurst: 5000,
  /** SQS in-flight (received, not deleted) messages per standard queue (hard). */
  sqsInFlight: 120_000,
  /** DynamoDB on-demand maximum write throughput per table, WRU/s (raisable). */
  dynamoTableWru: 40_000,
  /** DynamoDB on-demand maximum read throughput per table, RRU/s (raisable). */
  dynamoTableRru: 40_000,
  /** DynamoDB writes per second one partition key value takes (hard; indexes included). */
  dynamoPartitionWru: 1000,
  /** DynamoDB: writes per second a NEW on-demand table or index takes at once (its warm throughput). */
  dynamoNewWru: NEW_ON_DEMAND_THROUGHPUT.writeUnitsPerSecond,
  /** DynamoDB: reads per second a NEW on-demand table or index takes at once. */
  dynamoNewRru: NEW_ON_DEMAND_THROUGHPUT.readUnitsPerSecond,
} as const;
