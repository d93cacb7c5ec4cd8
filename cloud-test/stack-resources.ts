/**
 * What CloudFormation knows of the smoke stage: its resources (buckets to empty, alarms to
 * trigger), whether it exists, and waiting for it to settle before it is deleted.
 */
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  paginateListStackResources,
} from '@aws-sdk/client-cloudformation';
import { sleep } from '../client/polling';

/** One resource of the stack: its type and physical id (a bucket's name, an alarm's name). */
export interface StackResource {
  readonly type: string;
  readonly physicalId: string;
}

/** True for the error CloudFormation gives for a stack that does not exist (any more). */
export function isMissingStack(error: unknown): boolean {
  const { name, message } = error as Error;
  return name === 'ValidationError' && /does not exist/.test(message ?? '');
}

/** The stack's resources that have a physical id; empty when the stack does not exist. */
export async function listStackResources(
  cloudFormation: CloudFormationClient,
  stackName: string,
  signal?: AbortSignal,
): Promise<StackResource[]> {
  const resources: StackResource[] = [];
  try {
    const pages = paginateListStackResources(
      { client: cloudFormation, ...(signal ? { abortSignal: signal } : {}) },
      { StackName: stackName },
    );
    for await (const page of pages) {
      for (const summary of page.StackResourceSummaries ?? []) {
        if (summary.ResourceType && summary.PhysicalResourceId) {
          resources.push({ type: summary.ResourceType, physicalId: summary.PhysicalResourceId });
        }
      }
    }
  } catch (error) {
    if (isMissingStack(error)) return [];
    throw error;
  }
  return resources;
}

/** The physical ids of the resources of one CloudFormation type, e.g. `AWS::S3::Bucket`. */
export function physicalIdsOf(resources: readonly StackResource[], type: string): string[] {
  return resources.filter((resource) => resource.type === type).map((resource) => resource.physicalId);
}

/** Options of {@link waitForStackToSettle}. */
export interface SettleOptions {
  /** @default 30 minutes: CloudFormation's own operations can take that long */
  readonly timeoutMs?: number;
  /** @default 10 s */
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Waits while CloudFormation works on the stack (`*_IN_PROGRESS`: a deploy stopped by Ctrl-C
 * goes on in CloudFormation), so that the delete that follows is accepted.
 * @returns the stack's settled status, or `undefined` when it does not exist
 * @throws Error when it is still in progress after `timeoutMs`
 */
export async function waitForStackToSettle(
  cloudFormation: CloudFormationClient,
  stackName: string,
  options: SettleOptions = {},
): Promise<string | undefined> {
  const now = options.now ?? Date.now;
  const pause = options.sleep ?? sleep;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const deadline = now() + timeoutMs;
  for (;;) {
    let status: string | undefined;
    try {
      const { Stacks = [] } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
      status = Stacks[0]?.StackStatus;
    } catch (error) {
      if (isMissingStack(error)) return undefined;
      throw error;
    }
    // REVIEW_IN_PROGRESS (a change set made, never executed: a deploy stopped early) waits for
    // nobody and can be deleted as it is.
    if (!status?.endsWith('_IN_PROGRESS') || status === 'REVIEW_IN_PROGRESS') return status;
    if (now() >= deadline) {
      throw new Error(`Stack ${stackName} is still ${status} after ${Math.round(timeoutMs / 60_000)} min`);
    }
    await pause(options.intervalMs ?? 10_000);
  }
}
