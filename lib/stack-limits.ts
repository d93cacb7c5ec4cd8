/**
 * CloudFormation's 500-resources-per-stack limit, stated at synth: how many resources a stage
 * uses, how many job types it could hold, and a refusal naming the numbers when it holds more.
 * The per-job-type and per-lane counts are measured: `test/lib/stack-limits.test.ts` synthesizes
 * stages of one and two job types and compares, so a construct that adds a resource per job type
 * (an alarm, a policy) fails that test with the new number until these tables are updated.
 */
import { Annotations, CfnResource, Stack } from 'aws-cdk-lib';

/** CloudFormation's most resources in one stack. */
export const MAX_STACK_RESOURCES = 500;

/**
 * Resources one job type adds, by type: its queue and DLQ with their TLS-only queue policies,
 * its processor (function, role, default policy, log group), the event source, and its alarms
 * (queue age, DLQ depth, processor errors and throttles).
 */
export const JOB_TYPE_RESOURCES: Readonly<Record<string, number>> = {
  'AWS::SQS::Queue': 2,
  'AWS::SQS::QueuePolicy': 2,
  'AWS::Lambda::Function': 1,
  'AWS::IAM::Role': 1,
  'AWS::IAM::Policy': 1,
  'AWS::Logs::LogGroup': 1,
  'AWS::Lambda::EventSourceMapping': 1,
  'AWS::CloudWatch::Alarm': 4,
};

/**
 * Resources a high-priority lane adds, by type: its queue and DLQ with their queue policies,
 * its event source on the same processor, and its two queue alarms.
 */
export const HIGH_PRIORITY_LANE_RESOURCES: Readonly<Record<string, number>> = {
  'AWS::SQS::Queue': 2,
  'AWS::SQS::QueuePolicy': 2,
  'AWS::Lambda::EventSourceMapping': 1,
  'AWS::CloudWatch::Alarm': 2,
};

const total = (counts: Readonly<Record<string, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);
/** Resources one job type adds (the sum of {@link JOB_TYPE_RESOURCES}). */
export const RESOURCES_PER_JOB_TYPE = total(JOB_TYPE_RESOURCES);
/** Resources a high-priority lane adds (the sum of {@link HIGH_PRIORITY_LANE_RESOURCES}). */
export const RESOURCES_PER_HIGH_PRIORITY_LANE = total(HIGH_PRIORITY_LANE_RESOURCES);

/** A stage's size, as {@link resourceLimit} judges it. */
export interface StageResources {
  /** Resources of the synthesized template. */
  readonly resources: number;
  /** Job types the stage provisions. */
  readonly jobTypes: number;
}

/** The verdict on a stage's resource count: the most job types it supports, and a message. */
export interface ResourceLimit {
  /**
   * The most job types (without a high-priority lane) this stage supports: its job types plus
   * as many more as its remaining resources allow, or fewer when it is over.
   */
  readonly maxJobTypes: number;
  /** Whether the stage fits {@link MAX_STACK_RESOURCES}. */
  readonly fits: boolean;
  /** One line: the count, the limit and the most job types. */
  readonly message: string;
}

/** Judges a stage's resource count against CloudFormation's limit. */
export function resourceLimit(stackName: string, stage: StageResources): ResourceLimit {
  const maxJobTypes =
    stage.jobTypes + Math.floor((MAX_STACK_RESOURCES - stage.resources) / RESOURCES_PER_JOB_TYPE);
  const costs = `each job type adds ${RESOURCES_PER_JOB_TYPE}, a high-priority lane ${RESOURCES_PER_HIGH_PRIORITY_LANE} more`;
  const fits = stage.resources <= MAX_STACK_RESOURCES;
  const message = fits
    ? `${stackName} uses ${stage.resources} of CloudFormation's ${MAX_STACK_RESOURCES} resources per stack for ${stage.jobTypes} job types (${costs}): this stage supports at most ${maxJobTypes} job types`
    : `${stackName}: CloudFormation allows ${MAX_STACK_RESOURCES} resources per stack; this stage needs ${stage.resources} for ${stage.jobTypes} job types; it supports at most ${maxJobTypes} (${costs})`;
  return { maxJobTypes, fits, message };
}

/**
 * Every resource of `stack`'s template. Counted from the construct tree at validation, after
 * aspects ran and CDK added its own (the `CDKMetadata` resource, policies split for size), so it
 * is the template's count.
 */
export function countStackResources(stack: Stack): number {
  return stack.node.findAll().filter((c) => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
}

/**
 * Checks `stack` against the limit when it synthesizes: states the most job types it supports
 * (an info annotation, which `cdk synth` prints) and returns the refusal when it is over.
 * Call from a validation (`node.addValidation`): only then is the tree complete.
 */
export function checkResourceLimit(stack: Stack, jobTypes: number): string[] {
  const verdict = resourceLimit(stack.stackName, { resources: countStackResources(stack), jobTypes });
  if (!verdict.fits) return [verdict.message];
  // Annotations are deduplicated, so a second synthesis of the same app adds no second line.
  Annotations.of(stack).addInfo(verdict.message);
  return [];
}
