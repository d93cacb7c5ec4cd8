/**
 * Checks every recorded call against the synthesized stack: maps it to IAM requests, evaluates
 * each with the function role's identity policies and the resource's policy, and keeps the
 * denials, the calls it could not check, the grants the allowed requests used, and per-function
 * tallies for the report.
 */
import type { RecordedCall } from '../../local/call-recorder';
import { type Evaluation, evaluate } from './evaluate';
import { iamRequestsFor } from './iam-actions';
import { functionRequest } from './requests';
import { type FunctionRole, type StackModel, siteLabel, UncheckableCallError } from './stack-model';
import { resourceLabel } from './unused-grants';

/** A recorded call's request the template does not allow. */
export interface Denial {
  readonly function: string;
  readonly action: string;
  /** The resource in the stack's terms, then its ARN. */
  readonly resource: string;
  readonly result: string;
}

/** What one recording component did, for the report. */
export interface FunctionTally {
  /** Distinct SDK operations (`dynamodb:UpdateItem`, ...). */
  readonly operations: Set<string>;
  /** Calls made (identical calls counted each time). */
  calls: number;
  /** Distinct calls (operation, resource and condition keys). */
  distinct: number;
}

/** What checking every recorded call found. */
export interface RecordedCallCheck {
  readonly denials: Denial[];
  /** Why calls could not be checked (no IAM mapping, a resource the stack lacks). */
  readonly uncheckable: string[];
  /** Grant keys the allowed requests used, per role logical id. */
  readonly used: Map<string, Set<string>>;
  readonly tallies: Map<string, FunctionTally>;
  /** IAM requests evaluated. */
  requests: number;
}

/**
 * Evaluates every recorded call; a call that cannot be mapped is reported, not thrown, so one
 * run names all of them.
 */
export async function checkRecordedCalls(
  model: StackModel,
  calls: readonly RecordedCall[],
): Promise<RecordedCallCheck> {
  const check: RecordedCallCheck = {
    denials: [],
    uncheckable: [],
    used: new Map(),
    tallies: new Map(),
    requests: 0,
  };
  for (const call of calls) {
    const site = siteLabel(call);
    const tally = check.tallies.get(site) ?? { operations: new Set<string>(), calls: 0, distinct: 0 };
    check.tallies.set(site, tally);
    tally.operations.add(`${call.service}:${call.operation}`);
    tally.calls += call.calls;
    tally.distinct += 1;
    let specs: ReturnType<typeof iamRequestsFor>;
    let role: FunctionRole;
    try {
      role = model.roleOf(call);
      specs = iamRequestsFor(call, model);
    } catch (error) {
      if (!(error instanceof UncheckableCallError)) throw error;
      check.uncheckable.push((error as Error).message);
      continue;
    }
    for (const spec of specs) {
      const evaluation: Evaluation = await evaluate(functionRequest(model, role, spec));
      check.requests += 1;
      markUsed(check, role.roleLogicalId, evaluation);
      if (!evaluation.allowed) {
        check.denials.push({
          function: site,
          action: spec.action,
          resource: `${resourceLabel(spec.resource, model, role)} (${spec.resource})`,
          result: evaluation.result,
        });
      }
    }
  }
  return check;
}

/** Marks the grants an allowed request of `roleLogicalId` used. */
export function markUsed(
  check: Pick<RecordedCallCheck, 'used'>,
  roleLogicalId: string,
  evaluation: Evaluation,
): void {
  const used = check.used.get(roleLogicalId) ?? new Set<string>();
  check.used.set(roleLogicalId, used);
  for (const key of evaluation.grantsUsed) used.add(key);
}
