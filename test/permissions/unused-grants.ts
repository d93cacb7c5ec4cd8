/**
 * The grants no recorded call or service path used, labelled in the stack's terms (`table`,
 * `index ByOwner`, `queue echo high`, `payloads jobs/*\/input.*`, `own log group`), and matched
 * against the written reasons of {@link UNUSED_GRANT_REASONS}.
 *
 * Job types and priorities are data: the API functions and the sweeper reach every job type's
 * queues, in either lane, through the same code (the lane is the job's priority), and every
 * processor runs the same code. So a grant also counts as used when a call used the same action
 * on the same kind of resource (a queue, or a DLQ) for another job type or lane:
 * `retry-job sqs:SendMessage` on `queue echo high` is covered by the retry of a `fail` job.
 * Everything else (the table, each index, the bucket's key patterns, actions) stays apart.
 */
import { type Grant, grantKey, grantsOf } from './evaluate';
import type { FunctionRole, StackModel } from './stack-model';
import { UNUSED_GRANT_REASONS, type UnusedGrantReason } from './unused-grant-reasons';

/** A grant of a function role that nothing used. */
export interface UnusedGrant extends Grant {
  /** The function (`submit`, `processor echo`, ...). */
  readonly function: string;
  /** The resource in the stack's terms. */
  readonly label: string;
}

/** Every function role's grants, sorted by use. */
export interface UnusedGrantReport {
  /** Every grant of every function role. */
  readonly grants: number;
  /** Grants no request used itself, covered by the same use for another job type or lane. */
  readonly coveredByJobType: number;
  readonly withReason: readonly { grant: UnusedGrant; reason: UnusedGrantReason }[];
  readonly withoutReason: readonly UnusedGrant[];
  /** Reasons that match no unused grant: the grant is gone, or now used. */
  readonly staleReasons: readonly UnusedGrantReason[];
}

/**
 * Sorts every grant of every function role into used, unused with a reason, and unused
 * without; and finds the reasons that no longer match anything.
 * @param used keys ({@link grantKey}) of the grants some allowed request used, per role logical id
 */
export function unusedGrants(
  model: StackModel,
  used: ReadonlyMap<string, ReadonlySet<string>>,
  reasons: readonly UnusedGrantReason[] = UNUSED_GRANT_REASONS,
): UnusedGrantReport {
  const all: { grant: UnusedGrant; used: boolean }[] = [];
  for (const fn of model.functionRoles()) {
    const usedByRole = used.get(fn.roleLogicalId) ?? new Set<string>();
    for (const grant of grantsOf(model.identityPolicies(fn.roleLogicalId))) {
      const labelled = { ...grant, function: fn.label, label: resourceLabel(grant.resource, model, fn) };
      all.push({ grant: labelled, used: usedByRole.has(grantKey(grant)) });
    }
  }
  const usedShapes = new Set(all.filter((g) => g.used).map((g) => shapeOf(g.grant)));
  const unused = all.filter((g) => !g.used && !usedShapes.has(shapeOf(g.grant))).map((g) => g.grant);
  const coveredByJobType = all.filter((g) => !g.used).length - unused.length;
  const matched = new Set<UnusedGrantReason>();
  const withReason: { grant: UnusedGrant; reason: UnusedGrantReason }[] = [];
  const withoutReason: UnusedGrant[] = [];
  for (const grant of unused) {
    const reason = reasons.find(
      (r) =>
        glob(r.functions).test(grant.function) &&
        r.action === grant.action &&
        glob(r.resource).test(grant.label),
    );
    if (reason) {
      matched.add(reason);
      withReason.push({ grant, reason });
    } else withoutReason.push(grant);
  }
  return {
    grants: all.length,
    coveredByJobType,
    withReason,
    withoutReason,
    staleReasons: reasons.filter((r) => !matched.has(r)),
  };
}

/** A grant with job type and lane left out: the function (any processor), the action, the kind of resource. */
function shapeOf(grant: UnusedGrant): string {
  const [kind] = grant.label.split(' ');
  const resource = kind === 'queue' || kind === 'dlq' ? `${kind} * *` : grant.label;
  const fn = grant.function.startsWith('processor ') ? 'processor' : grant.function;
  return `${fn}|${grant.action}|${resource}`;
}

/** A granted resource (ARN pattern) in the stack's terms; other ARNs with placeholders for account and Region. */
export function resourceLabel(arn: string, model: StackModel, fn: FunctionRole): string {
  if (arn === '*') return '*';
  if (arn === fn.logGroupArn) return 'own log group';
  const table = model.tableArn();
  if (arn === table) return 'table';
  if (arn.startsWith(`${table}/index/`)) return `index ${arn.slice(table.length + '/index/'.length)}`;
  for (const [jobType, processor] of Object.entries(model.stack.processors)) {
    for (const lane of ['normal', 'high'] as const) {
      if (lane === 'high' && !processor.highPriority) continue;
      if (arn === model.queueArn(jobType, lane, false)) return `queue ${jobType} ${lane}`;
      if (arn === model.queueArn(jobType, lane, true)) return `dlq ${jobType} ${lane}`;
    }
  }
  const bucket = `arn:${model.resolver.partition}:s3:::${model.bucketName()}`;
  if (arn === bucket) return 'payload bucket';
  if (arn.startsWith(`${bucket}/`)) return `payloads ${arn.slice(bucket.length + 1)}`;
  const { account, region } = model.resolver;
  return arn.replaceAll(account, '<account>').replaceAll(region, '<region>');
}

/** `*` matches anything; everything else literally. */
function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
