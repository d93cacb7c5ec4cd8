/**
 * CloudFormation's 500 resources per stack at synth. The per-job-type and per-lane counts of
 * `lib/stack-limits.ts` are checked against synthesized templates (one job type against two,
 * with and without a high-priority lane), so a construct that adds a resource per job type shows
 * up here as a clear difference; then a stage at the most job types it supports, and one past it.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineJobType, type JobType } from '../../lambdas/core/job-type';
import { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { type ProfileName, resolveConfig, type StageConfigInput } from '../../lib/config';
import {
  countStackResources,
  HIGH_PRIORITY_LANE_RESOURCES,
  JOB_TYPE_RESOURCES,
  MAX_STACK_RESOURCES,
  RESOURCES_PER_HIGH_PRIORITY_LANE,
  RESOURCES_PER_JOB_TYPE,
  resourceLimit,
} from '../../lib/stack-limits';
import { createTestApp } from '../support/cdk-app';

/** CloudFormation's largest template (uploaded to S3, as CDK does), bytes. */
const TEMPLATE_MAX_BYTES = 1_000_000;

/** The error `run` throws; a failed test when it throws none. */
function captured(run: () => unknown): Error | undefined {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected an error');
}

const plain = (name: string) =>
  defineJobType({ name, description: name, input: z.unknown(), settings: {}, handler: async () => null });
const withHighLane = (name: string): JobType =>
  defineJobType({
    name,
    description: name,
    input: z.unknown(),
    settings: { highPriorityMaxConcurrency: 2 },
    handler: async () => null,
  });
const plainTypes = (count: number) => Array.from({ length: count }, (_, i) => plain(`job-${i}`));

/** A stage of `definitions` (the account's concurrency raised, so only the resource count limits it). */
function stage(
  definitions: readonly JobType[],
  input: StageConfigInput = {},
): { app: App; stack: AsyncEndpointsStack } {
  const app = createTestApp();
  const config = resolveConfig({ accountConcurrency: 1_000_000, ...input }, definitions);
  return { app, stack: new AsyncEndpointsStack(app, config.stackName, { config }) };
}

/** Resources of the synthesized template, by type. */
function countsByType(stack: AsyncEndpointsStack): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of Object.values(
    Template.fromStack(stack).toJSON().Resources as Record<string, { Type: string }>,
  ))
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  return counts;
}

/** `after` minus `before`, types that did not change left out. */
function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys({ ...before, ...after })
      .map((type) => [type, (after[type] ?? 0) - (before[type] ?? 0)] as const)
      .filter(([, n]) => n !== 0),
  );
}

describe('measured resource counts', () => {
  it.each(['small', 'medium', 'large'] as ProfileName[])(
    '%s: one more job type adds JOB_TYPE_RESOURCES, a high-priority lane HIGH_PRIORITY_LANE_RESOURCES',
    (profile) => {
      const one = countsByType(stage([plain('a')], { profile }).stack);
      const two = countsByType(stage([plain('a'), plain('b')], { profile }).stack);
      const twoWithLane = countsByType(stage([plain('a'), withHighLane('b')], { profile }).stack);
      expect(difference(two, one)).toEqual(JOB_TYPE_RESOURCES);
      expect(difference(twoWithLane, two)).toEqual(HIGH_PRIORITY_LANE_RESOURCES);
    },
  );

  it("counts the stack's resources as the template holds them", () => {
    const { stack } = stage(plainTypes(3), { alarmEmail: 'ops@example.com' });
    const template = Template.fromStack(stack).toJSON();
    expect(countStackResources(stack)).toBe(Object.keys(template.Resources).length);
  });
});

describe('the limit at synth', () => {
  // Measured: a stage of one job type, and what each further one costs.
  const oneTypeResources = countStackResources(stage([plain('a')]).stack);
  const maxJobTypes = 1 + Math.floor((MAX_STACK_RESOURCES - oneTypeResources) / RESOURCES_PER_JOB_TYPE);

  it('states, once, how many job types the stage supports', () => {
    const { app, stack } = stage(plainTypes(4));
    Template.fromStack(stack);
    app.synth();
    const infos = Annotations.fromStack(stack).findInfo(
      '*',
      Match.stringLikeRegexp(`this stage supports at most ${maxJobTypes} job types`),
    );
    expect(infos).toHaveLength(1);
    expect(infos[0]?.entry.data).toBe(
      resourceLimit('AsyncEndpoints', { resources: countStackResources(stack), jobTypes: 4 }).message,
    );
  });

  it('synthesizes a stage with the most job types it supports, its template within 1 MB', () => {
    const { app, stack } = stage(plainTypes(maxJobTypes));
    const assembly = app.synth();
    const resources = countStackResources(stack);
    expect(resources).toBeLessThanOrEqual(MAX_STACK_RESOURCES);
    expect(resources + RESOURCES_PER_JOB_TYPE).toBeGreaterThan(MAX_STACK_RESOURCES);
    Annotations.fromStack(stack).hasInfo(
      '*',
      `AsyncEndpoints uses ${resources} of CloudFormation's 500 resources per stack for ${maxJobTypes} job types (each job type adds ${RESOURCES_PER_JOB_TYPE}, a high-priority lane ${RESOURCES_PER_HIGH_PRIORITY_LANE} more): this stage supports at most ${maxJobTypes} job types`,
    );
    // CloudFormation's other limit that grows with the job types (the dashboard most of all):
    // the template file must stay under 1 MB, or the deploy fails where synth did not.
    const templateFile = path.join(assembly.directory, assembly.getStackByName(stack.stackName).templateFile);
    // (CDK warns from 80 % of it, "approaching limit": a stage at the maximum may see that.)
    expect(statSync(templateFile).size).toBeLessThan(TEMPLATE_MAX_BYTES);
  });

  it('refuses one job type more, by stack name, with the count it needs and the most it supports', () => {
    const { app, stack } = stage(plainTypes(maxJobTypes + 1));
    const error = captured(() => app.synth());
    // Counted once synthesis added its own (policies split for size): what the template would hold.
    const needs = countStackResources(stack);
    expect(needs).toBeGreaterThan(MAX_STACK_RESOURCES);
    expect(error?.message).toContain(
      `AsyncEndpoints: CloudFormation allows 500 resources per stack; this stage needs ${needs} for ${maxJobTypes + 1} job types; it supports at most ${maxJobTypes}`,
    );
  });

  it('counts high-priority lanes: fewer job types fit when they have them', () => {
    const types = Array.from({ length: maxJobTypes }, (_, i) =>
      i < 3 ? withHighLane(`job-${i}`) : plain(`job-${i}`),
    );
    const { app, stack } = stage(types);
    expect(countStackResources(stack)).toBe(
      countStackResources(stage(plainTypes(maxJobTypes)).stack) + 3 * RESOURCES_PER_HIGH_PRIORITY_LANE,
    );
    const message = captured(() => app.synth())?.message ?? '';
    const supported = Number(message.match(/for \d+ job types; it supports at most (\d+)/)?.[1]);
    expect(supported).toBeLessThan(maxJobTypes);
  });
});
