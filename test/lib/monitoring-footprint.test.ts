/**
 * The monitoring's footprint (alarms, widgets, dashboards) against synthesized templates, and
 * CloudWatch's 500 widgets a dashboard: a stage with the most job types the first dashboard
 * holds, and one past it, whose last job type continues on a second dashboard.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { defineJobType } from '../../lambdas/core/job-type';
import { AsyncEndpointsStack } from '../../lib/async-endpoints-stack';
import { resolveConfig, type StageConfigInput } from '../../lib/config';
import { SUMMARY_TITLES } from '../../lib/constructs/dashboard-summary';
import {
  ALARMS_PER_STATUS_WIDGET,
  DASHBOARD_WIDGET_LIMIT,
  FIXED,
  maxJobTypesOnFirstDashboard,
  monitoringFootprint,
  PER_JOB_TYPE,
  PER_LANE,
  planDashboards,
} from '../../lib/constructs/monitoring-footprint';
import { createTestApp, createTestStack } from '../support/cdk-app';
import { dashboardsOf, type SynthesizedDashboard, tokenText } from '../support/dashboard';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** A stage with `count` job types named `job-1`... (the catalog's files are not used). */
function stageWith(count: number, input: StageConfigInput = {}) {
  const definitions = Array.from({ length: count }, (_, i) =>
    defineJobType({
      name: `job-${i + 1}`,
      description: 'test',
      input: z.unknown(),
      handler: async () => null,
    }),
  );
  const config = resolveConfig(input, definitions);
  const stack = new AsyncEndpointsStack(createTestApp(), config.stackName, { config });
  return { config, resources: Template.fromStack(stack).toJSON().Resources as Resources };
}

const countOf = (resources: Resources, type: string) =>
  Object.values(resources).filter((r) => r.Type === type).length;
const widgetsOf = (dashboards: SynthesizedDashboard[]) =>
  dashboards.reduce((n, d) => n + d.widgets.length, 0);

/** What the template holds, in the footprint's terms. */
const measured = (resources: Resources) => {
  const dashboards = dashboardsOf(resources);
  return {
    alarms: countOf(resources, 'AWS::CloudWatch::Alarm'),
    dashboards: dashboards.length,
    widgets: widgetsOf(dashboards),
    alarmStatusWidgets: dashboards.flatMap((d) => d.widgets).filter((w) => w.type === 'alarm').length,
  };
};

describe('monitoringFootprint', () => {
  it('adds up its parts: fixed, per job type, per lane', () => {
    const one = monitoringFootprint([1]);
    const two = monitoringFootprint([1, 2]);
    expect(two.alarms - one.alarms).toBe(PER_JOB_TYPE.alarms + 2 * PER_LANE.alarms);
    expect(two.widgets - one.widgets).toBe(PER_JOB_TYPE.widgets + 2 * PER_LANE.widgets);
    expect(monitoringFootprint([]).alarms).toBe(FIXED.alarms);
    expect(monitoringFootprint([]).widgets).toBe(FIXED.widgets + 1);
  });

  it("matches the default stage's template", () => {
    const { stack } = createTestStack();
    const resources = Template.fromStack(stack).toJSON().Resources as Resources;
    const lanes = Object.values(stack.processors).map((p) => (p.highPriority ? 2 : 1));
    expect(lanes).toEqual([1, 1, 1, 1]);
    expect(measured(resources)).toEqual(monitoringFootprint(lanes));
  });

  it('matches a stage with a high-priority lane', () => {
    const { stack } = createTestStack({ jobTypes: { sleep: { highPriorityMaxConcurrency: 2 } } });
    const resources = Template.fromStack(stack).toJSON().Resources as Resources;
    const lanes = Object.values(stack.processors).map((p) => (p.highPriority ? 2 : 1));
    expect(lanes.sort()).toEqual([1, 1, 1, 2]);
    expect(measured(resources)).toEqual(monitoringFootprint(lanes));
  });
});

describe('planDashboards', () => {
  it('fills each dashboard in order and starts the next when a section would not fit', () => {
    expect(planDashboards(90, [5, 5, 5], 100)).toEqual([[0, 1], [2]]);
    expect(planDashboards(0, [50, 50, 50], 100)).toEqual([[0, 1], [2]]);
    expect(planDashboards(100, [1], 100)).toEqual([[], [0]]);
  });

  it('refuses a part that fits on no dashboard', () => {
    expect(() => planDashboards(101, [], 100)).toThrow(/fixed part takes 101 widgets, past 100/);
    expect(() => planDashboards(0, [101], 100)).toThrow(/section 0 takes 101 widgets, past 100/);
  });
});

describe(`the ${DASHBOARD_WIDGET_LIMIT}-widget dashboard limit`, () => {
  const most = maxJobTypesOnFirstDashboard();
  let atMost: ReturnType<typeof stageWith>;
  let pastIt: ReturnType<typeof stageWith>;
  beforeAll(() => {
    atMost = stageWith(most);
    pastIt = stageWith(most + 1);
  });

  it('is reached between the most job types the first dashboard holds and one more', () => {
    expect(most).toBe(19);
    expect(monitoringFootprint(Array(most).fill(1)).widgets).toBeLessThanOrEqual(DASHBOARD_WIDGET_LIMIT);
    expect(monitoringFootprint(Array(most + 1).fill(1)).dashboards).toBe(2);
    // With a high-priority lane each, fewer fit.
    expect(maxJobTypesOnFirstDashboard(2)).toBe(13);
  });

  it('holds the most job types on one dashboard of at most 500 widgets', () => {
    const dashboards = dashboardsOf(atMost.resources);
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.widgets.length).toBeLessThanOrEqual(DASHBOARD_WIDGET_LIMIT);
    expect(measured(atMost.resources)).toEqual(monitoringFootprint(Array(most).fill(1)));
  });

  it('continues the job type past it on a second dashboard, named with -2, linked from the first', () => {
    const dashboards = dashboardsOf(pastIt.resources);
    expect(dashboards).toHaveLength(2);
    for (const d of dashboards) expect(d.widgets.length).toBeLessThanOrEqual(DASHBOARD_WIDGET_LIMIT);
    expect(measured(pastIt.resources)).toEqual(monitoringFootprint(Array(most + 1).fill(1)));
    const [first, second] = dashboards as [SynthesizedDashboard, SynthesizedDashboard];
    expect(second.name).toEqual({ 'Fn::Join': ['', ['AsyncEndpoints-', { Ref: 'AWS::Region' }, '-2']] });
    const headers = (d: SynthesizedDashboard) =>
      d.widgets.filter((w) => w.properties.markdown?.startsWith('# ')).map((w) => w.properties.markdown);
    expect(headers(second)).toEqual([`# Job type \`job-${most + 1}\``]);
    expect(headers(first).filter((h) => h?.startsWith('# Job type'))).toHaveLength(most);
    expect(headers(first)[0]).toContain(
      `#dashboards:name=AsyncEndpoints-${tokenText({ Ref: 'AWS::Region' })}-2`,
    );
  });

  it('keeps every alarm (100 a widget) and the summary over every job type on the first dashboard', () => {
    const [first, second] = dashboardsOf(pastIt.resources) as [SynthesizedDashboard, SynthesizedDashboard];
    const alarms = countOf(pastIt.resources, 'AWS::CloudWatch::Alarm');
    expect(alarms).toBeGreaterThan(ALARMS_PER_STATUS_WIDGET);
    const status = first.widgets.filter((w) => w.type === 'alarm');
    expect(status.map((w) => w.properties.alarms?.length)).toEqual([
      ALARMS_PER_STATUS_WIDGET,
      alarms - ALARMS_PER_STATUS_WIDGET,
    ]);
    expect(first.widgets.slice(0, 2).map((w) => w.type)).toEqual(['alarm', 'alarm']);
    expect(second.widgets.some((w) => w.type === 'alarm')).toBe(false);
    const jobs = first.widgets.find((w) => w.properties.title === SUMMARY_TITLES.jobs);
    const summed = JSON.stringify(jobs?.properties.metrics);
    for (let i = 1; i <= most + 1; i += 1) expect(summed).toContain(`"JobName","job-${i}"`);
  });
});
