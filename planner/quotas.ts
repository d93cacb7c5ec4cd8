/**
 * The AWS quotas and hard limits a plan meets, each with what the workload needs (at the
 * planner's headroom) and what to do when it does not fit.
 */

import { MAX_TABLE_SHARDS } from '../lambdas/table-schema';
import type { ScaleProfile } from '../lib/profiles';
import { HEADROOM } from './assumptions';
import { eventSourceChecks } from './event-source-checks';
import type { JobFootprint } from './job-footprint';
import { AWS_LIMITS } from './limits';
import type { Concurrency, RecommendedSettings } from './plan';
import { count } from './units';
import { warmThroughputChecks } from './warm-throughput-checks';

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
        ? `fits; the profile's stage throttle is ${count(profile.apiThrottle.rateLimit)} req/s${apiRps > profile.apiThrottle.rateLimit ? `: raise apiThrottle.rateLimit to at least ${count(apiRps)}` : ''}`
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
    advice: `${count(reserved)} reserved for this job type, the API functions' share, and the 100 Lambda keeps unreserved; every other job type's reserved concurrency adds to it${accountNeeded > AWS_LIMITS.lambdaAccountConcurrency ? `: request "Concurrent executions" (L-B99A9384) of at least ${count(accountNeeded)} and set accountConcurrency` : ''}`,
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
    advice: `${fp.tableWru} WRU per job on the table (${fp.tableWrites} writes of ${count(fp.sizes.queued)}-${count(fp.sizes.completed)} B items)${tableWru > AWS_LIMITS.dynamoTableWru ? '; raise the table throughput quota' : ''}`,
  });
  const tableRru = up(lambda * (requests.pollsPerJob * fp.rruPerPoll + fp.cancelCheckRru) * HEADROOM);
  checks.push({
    name: 'DynamoDB on-demand table read throughput (per table)',
    limit: AWS_LIMITS.dynamoTableRru,
    needed: tableRru,
    unit: 'RRU/s',
    status: tableRru <= AWS_LIMITS.dynamoTableRru ? 'ok' : 'raise',
    advice: `${fp.rruPerPoll} RRU per poll (strongly consistent GetItem), ${fp.cancelCheckRru} per job in cancel checks${tableRru > AWS_LIMITS.dynamoTableRru ? '; raise the table throughput quota' : ''}`,
  });

  const activeWru = up(lambda * fp.activeWru * HEADROOM);
  const byOwnerWru = up(lambda * fp.byOwnerWru * HEADROOM);
  checks.push(...warmThroughputChecks({ tableWru, tableRru, activeWru, byOwnerWru }));

  // Both index keys are sharded by a hash of the job id (lambdas/table-schema.ts), each shard
  // good for one partition's writes; the counts are stage settings (`table`, from the profile).
  checks.push(
    shardCheck({
      name: `DynamoDB partitions: the sparse Active index's ${profile.table.activeShards} shards (activeShard = "active#<n>"; all job types)`,
      setting: 'activeShards',
      shards: profile.table.activeShards,
      needed: activeWru,
      beyond: 'split the job types over stacks (one table each)',
      perJob: `${fp.activeWru} WRU per job (${fp.activeWrites} writes of a ${fp.indexEntries.active} B entry: put, claim moves the sort key, ${fp.renewals ? `${fp.renewals} renewals move it, ` : ''}outcome deletes)`,
    }),
  );
  checks.push(
    shardCheck({
      name: `DynamoDB partitions: the ByOwner index's ${profile.table.ownerShards} shards per caller, if one caller submits every job`,
      setting: 'ownerShards',
      shards: profile.table.ownerShards,
      needed: byOwnerWru,
      beyond: 'spread the submissions over several callers (IAM roles): each has its own shards',
      perJob: `${fp.byOwnerWru} WRU per job (${fp.byOwnerWrites} write of a ${fp.indexEntries.byOwner} B entry, at submit; claims, outcomes and lease renewals do not write it)`,
    }),
  );
  return checks;
}

/**
 * One sharded index key against the per-partition write limit: `ok` with the profile's shards;
 * else `raise` the stage's shard count (a config change, no AWS request) while the count fits
 * {@link MAX_TABLE_SHARDS}; `redesign` beyond it.
 */
function shardCheck(check: {
  readonly name: string;
  readonly setting: keyof typeof MAX_TABLE_SHARDS;
  readonly shards: number;
  readonly needed: number;
  readonly perJob: string;
  /** What to do past {@link MAX_TABLE_SHARDS}. */
  readonly beyond: string;
}): QuotaCheck {
  const limit = check.shards * AWS_LIMITS.dynamoPartitionWru;
  const shardsNeeded = Math.ceil(check.needed / AWS_LIMITS.dynamoPartitionWru);
  const max = MAX_TABLE_SHARDS[check.setting];
  const status: QuotaStatus = check.needed <= limit ? 'ok' : shardsNeeded <= max ? 'raise' : 'redesign';
  const advice = {
    ok: `${check.perJob}; fits`,
    raise: `${check.perJob}: a throttled index throttles the table's writes. Set asyncEndpoints.table.${check.setting} to ${shardsNeeded} or more (a stage setting; counts may grow, never shrink)`,
    redesign: `${check.perJob}: more than the ${max} shards a stage may set; ${check.beyond}`,
  }[status];
  return { name: check.name, limit, needed: check.needed, unit: 'WRU/s', status, advice };
}
