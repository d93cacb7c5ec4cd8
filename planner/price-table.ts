/**
 * Dated AWS price table (us-east-1, USD), for the capacity planner and the benchmarks: the one
 * place that turns request counts into dollars.
 *
 * Source: the project's AWS reference notes (section 7, "Prices"), which took the figures from
 * third-party mirrors of the AWS pricing pages dated 2025-2026, because the AWS pages render
 * their tables with JavaScript. Items marked `confirm` are not in those notes and come from the
 * AWS pricing pages' published list prices. Confirm every figure in the AWS Pricing Calculator
 * before quoting it outside the team. Free tiers are ignored on purpose: a plan should hold for
 * an account that has spent them.
 */

/** One price tier: `perMillion` applies to the units from the previous tier's end up to `upTo`. */
export interface PriceTier {
  /** Cumulative units per month where this tier ends (`Infinity` for the last). */
  readonly upTo: number;
  /** USD per million units in this tier. */
  readonly perMillion: number;
}

/** Where a price comes from and when it was seen. */
export interface PriceSource {
  /** Who published it. */
  readonly source: string;
  /** When (a year, a range or a day). */
  readonly asOf: string;
  /** True when the figure is not in the project's reference notes: confirm it before relying on it. */
  readonly confirm?: boolean;
}

/** The price table's shape. */
export interface PriceTable {
  /** The Region the prices are for. */
  readonly region: 'us-east-1';
  /** The day this table was compiled (ISO date). */
  readonly compiledOn: string;
  readonly apiGateway: {
    /** REST API requests, tiered per month. */
    readonly restRequests: readonly PriceTier[];
    /** HTTP API requests, tiered per month (for comparison: this project uses REST). */
    readonly httpRequests: readonly PriceTier[];
    readonly sources: readonly PriceSource[];
  };
  readonly lambda: {
    /** USD per million invocations. */
    readonly requestsPerMillion: number;
    /** USD per GB-second on arm64 (first 7.5 billion GB-s per month). */
    readonly gbSecondArm64: number;
    /** USD per GB-second on x86_64 (first 6 billion GB-s per month). */
    readonly gbSecondX86: number;
    readonly sources: readonly PriceSource[];
  };
  readonly sqs: {
    /** USD per million standard-queue requests (first 100 billion per month). */
    readonly standardPerMillion: number;
    /** USD per million FIFO-queue requests. */
    readonly fifoPerMillion: number;
    /** Each chunk of this many payload bytes bills as one request. */
    readonly chunkBytes: number;
    readonly sources: readonly PriceSource[];
  };
  readonly dynamoDb: {
    /** USD per million on-demand write request units (1 WRU = one write of up to 1 KB). */
    readonly wruPerMillion: number;
    /** USD per million on-demand read request units (1 RRU = one strongly consistent read of up to 4 KB). */
    readonly rruPerMillion: number;
    /** USD per GB-month of table storage (Standard table class; first 25 GB free, ignored). */
    readonly storagePerGbMonth: number;
    /** USD per GB-month of point-in-time recovery (continuous backups), which the job table has on. */
    readonly pitrPerGbMonth: number;
    readonly sources: readonly PriceSource[];
  };
  readonly cloudWatch: {
    /** USD per custom metric per month (first 10,000). */
    readonly customMetricPerMonth: number;
    /** USD per standard-resolution alarm per month. */
    readonly alarmPerMonth: number;
    /** USD per dashboard per month. */
    readonly dashboardPerMonth: number;
    /** USD per GB of log ingestion (EMF metrics are logs too). */
    readonly logsIngestionPerGb: number;
    readonly sources: readonly PriceSource[];
  };
}

/** The us-east-1 prices, compiled on 2026-11-27. */
export const PRICES: PriceTable = {
  region: 'us-east-1',
  compiledOn: '2026-11-27',
  apiGateway: {
    restRequests: [
      { upTo: 333e6, perMillion: 3.5 },
      { upTo: 1e9, perMillion: 2.8 },
      { upTo: 20e9, perMillion: 2.38 },
      { upTo: Number.POSITIVE_INFINITY, perMillion: 1.51 },
    ],
    httpRequests: [
      { upTo: 300e6, perMillion: 1.0 },
      { upTo: Number.POSITIVE_INFINITY, perMillion: 0.9 },
    ],
    sources: [
      { source: 'apigatewaycost.com, amnic.com (3p mirrors of the AWS pricing page)', asOf: '2025-2026' },
      // The reference notes give 3.50, 2.80 and "down to 1.51"; the 2.38 middle tier is AWS's list price.
      { source: 'AWS API Gateway pricing page: the $2.38 tier (1-20 billion)', asOf: '2026', confirm: true },
    ],
  },
  lambda: {
    requestsPerMillion: 0.2,
    gbSecondArm64: 0.0000133334,
    gbSecondX86: 0.0000166667,
    sources: [{ source: 'cloudchipr.com (3p mirror of the AWS pricing page)', asOf: '2025-2026' }],
  },
  sqs: {
    standardPerMillion: 0.4,
    fifoPerMillion: 0.5,
    chunkBytes: 65_536,
    sources: [{ source: 'factualminds.com, cloudburn.io (3p mirrors)', asOf: '2025-2026' }],
  },
  dynamoDb: {
    wruPerMillion: 0.625,
    rruPerMillion: 0.125,
    storagePerGbMonth: 0.25,
    pitrPerGbMonth: 0.2,
    sources: [
      {
        source: 'AWS News Blog (on-demand prices halved on 1 Nov 2024); airbyte.com, jusdb.com',
        asOf: '2025-01-31',
      },
      { source: 'AWS DynamoDB pricing page: storage and PITR per GB-month', asOf: '2026', confirm: true },
    ],
  },
  cloudWatch: {
    customMetricPerMonth: 0.3,
    alarmPerMonth: 0.1,
    dashboardPerMonth: 3,
    logsIngestionPerGb: 0.5,
    sources: [{ source: 'signoz.io, c3x.dev, factualminds.com (3p mirrors)', asOf: '2025-2026' }],
  },
};

/** USD for `units` units in a month, across `tiers`. */
export function tieredCost(units: number, tiers: readonly PriceTier[]): number {
  let cost = 0;
  let from = 0;
  for (const tier of tiers) {
    if (units <= from) break;
    const inTier = Math.min(units, tier.upTo) - from;
    cost += (inTier / 1e6) * tier.perMillion;
    from = tier.upTo;
  }
  return cost;
}
