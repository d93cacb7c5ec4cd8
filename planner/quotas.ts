/**
 * The AWS quotas and hard limits a plan meets, each with what the workload needs (at the
 * planner's headroom) and what to do when it does not fit.
 */

import { ACTIVE_SHARDS } from '../lambdas/table-schema';
import type { ScaleProfile } from '../lib/profiles';
import { HEADROOM } from './assumptions';
import { eventSourceChecks } from './event-source-checks';
import type { JobFootprint } from './job-footprint';
import { AWS_LIMITS } from './limits';
import type { Concurrency, RecommendedSettings } from './plan';

/** `ok`: fits; `raise`: ask AWS for a quota increase; `redesign`: a hard limit, change the design. */
export type QuotaStatus = 'ok' | 'raise' | 'redesign';

/** One quota or limit, checked. */
export interface QuotaCheck {
  /** What it is, and where it applies. */
  readonly name: string;
  /** The default (or hard) limit. */
  readonly limit: number;
  /** What the workload needs, with headroom. */
  readonly needed: number;
  readonly unit: string;
  readonly status: QuotaStatus;
  /** What to do (or why it is fine). */
  readonly advice: string;
}

/** What {@link checkQuotas} reads from a plan. */
export interface QuotaInputs {
  readonly concurrency: Concurrency;
  readonly settings: RecommendedSettings;
  readonly requests: {
    readonly pollsPerJob: number;
    readonly apiRequestsPerSecond: number;
    readonly apiConcurrency: number;
    readonly footprint: JobFootprint;
  };
  readonly profile: ScaleProfile;
}

const up = (n: number) => Math.ceil(n - 1e-9);

/** Every quota the plan meets, in the order a request meets them. */
export function checkQuotas({ concurrency, settings, requests, profile }: QuotaInputs): QuotaCheck[] {
  const lambda = concurrency.jobsPerSecond;
  const checks: QuotaCheck[] = [];

  const apiRps = up(requests.apiRequestsPerSecond * HEADROOM);
  checks.push({
    name: 'API Gateway requests per second (account and Region, all APIs)',
    limit: AWS_LIMITS.apiGatewayRps,
    needed: apiRps,
    unit: 'req/s',
    status: apiRps <= AWS_LIMITS.apiGatewayRps ? 'ok' : 'raise',
    advice:
      apiRps <= AWS_LIMITS.apiGatewayRps
        ? `fits; the profile's stage throttle is ${profile.apiThrottle.rateLimit.toLocaleString('en-US')} req/s${apiRps > profile.apiThrottle.rateLimit ? `: raise apiThrottle.rateLimit to at least ${apiRps.toLocaleString('en-US')}` : ''}`
        : `raise the account throttle (Service Quotas, API Gateway "Throttle rate") and apiThrottle, or cut polls (longer Retry-After) and submit in fewer requests`,
  });

  const reserved = settings.reservedConcurrency;
  const accountNeeded = reserved + up(requests.apiConcurrency * HEADROOM) + AWS_LIMITS.lambdaUnreserved;
  checks.push({
    name: 'Lambda concurrent executions (account and Region)',
    limit: AWS_LIMITS.lambdaAccountConcurrency,
    needed: accountNeeded,
    unit: 'executions',
    status: accountNeeded <= AWS_LIMITS.lambdaAccountConcurrency ? 'ok' : 'raise',
    advice: `${reserved.toLocaleString('en-US')} reserved for this job type, the API functions' share, and the 100 Lambda keeps unreserved; every other job type's reserved concurrency adds to it${accountNeeded > AWS_LIMITS.lambdaAccountConcurrency ? `: request "Concurrent executions" (L-B99A9384) of at least ${accountNeeded.toLocaleString('en-US')} and set accountConcurrency` : ''}`,
  });
  checks.push(...eventSourceChecks(concurrency, settings));

  const inFlight = up(concurrency.jobsInFlight * HEADROOM);
  checks.push({
    name: 'SQS in-flight messages (per queue, hard)',
    limit: AWS_LIMITS.sqsInFlight,
    needed: inFlight,
    unit: 'messages',
    status: inFlight <= AWS_LIMITS.sqsInFlight ? 'ok' : 'redesign',
    advice:
      inFlight <= AWS_LIMITS.sqsInFlight
        ? 'fits; jobs waiting out a retry backoff are in flight too'
        : 'past 120,000 in-flight messages receives return nothing: split the work over several job types (a queue each), or shorten the jobs',
  });

  const fp = requests.footprint;
  const tableWru = up(lambda * fp.tableWru * HEADROOM);
  checks.push({
    name: 'DynamoDB on-demand table write throughput (per table)',
    limit: AWS_LIMITS.dynamoTableWru,
    needed: tableWru,
    unit: 'WRU/s',
    status: tableWru <= AWS_LIMITS.dynamoTableWru ? 'ok' : 'raise',
    advice: `${fp.tableWru} WRU per job on the table (${fp.tableWrites} writes of ${fp.sizes.queued.toLocaleString('en-US')}-${fp.sizes.completed.toLocaleString('en-US')} B items)${tableWru > AWS_LIMITS.dynamoTableWru ? '; raise the table throughput quota' : ''}`,
  });
  const tableRru = up(lambda * requests.pollsPerJob * fp.rruPerPoll * HEADROOM);
  checks.push({
    name: 'DynamoDB on-demand table read throughput (per table)',
    limit: AWS_LIMITS.dynamoTableRru,
    needed: tableRru,
    unit: 'RRU/s',
    status: tableRru <= AWS_LIMITS.dynamoTableRru ? 'ok' : 'raise',
    advice: `${fp.rruPerPoll} RRU per poll (strongly consistent GetItem)${tableRru > AWS_LIMITS.dynamoTableRru ? '; raise the table throughput quota' : ''}`,
  });

  // The index's key is sharded (`active#<n>`, lambdas/table-schema.ts): the jobs spread over
  // ACTIVE_SHARDS partitions by a hash of their id, each good for the per-partition limit.
  const active = up(lambda * fp.activeWru * HEADROOM);
  const activeLimit = ACTIVE_SHARDS * AWS_LIMITS.dynamoPartitionWru;
  checks.push({
    name: `DynamoDB partitions: the sparse Active index's ${ACTIVE_SHARDS} key values (activeShard = "active#<n>")`,
    limit: activeLimit,
    needed: active,
    unit: 'WRU/s',
    status: active <= activeLimit ? 'ok' : 'redesign',
    advice:
      active <= activeLimit
        ? `${fp.activeWru} WRU per job on the index, spread over ${ACTIVE_SHARDS} shards; all job types share them`
        : `${fp.activeWru} WRU per job on the index (projection ALL; the claim moves the sort key): a throttled index throttles the table's writes. Raise ACTIVE_SHARDS in lambdas/table-schema.ts to ${Math.ceil(active / AWS_LIMITS.dynamoPartitionWru)} or more, or project KEYS_ONLY`,
  });

  const byOwner = up(lambda * fp.byOwnerWru * HEADROOM);
  checks.push({
    name: 'DynamoDB partition: the ByOwner index, if one caller submits every job',
    limit: AWS_LIMITS.dynamoPartitionWru,
    needed: byOwner,
    unit: 'WRU/s',
    status: byOwner <= AWS_LIMITS.dynamoPartitionWru ? 'ok' : 'redesign',
    advice:
      byOwner <= AWS_LIMITS.dynamoPartitionWru
        ? 'fits even with a single caller'
        : `one caller (IAM principal) writes one index partition; spread the load over at least ${Math.ceil(byOwner / AWS_LIMITS.dynamoPartitionWru)} callers, or shard the owner key`,
  });
  return checks;
}
