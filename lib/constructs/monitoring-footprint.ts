/**
 * What the stack's monitoring creates, as numbers another check can add up: alarms (one
 * CloudFormation resource each), dashboard widgets and dashboards (one resource each), fixed and
 * per job type and lane. `test/lib/monitoring-footprint.test.ts` checks them against synthesized
 * templates, so a change to the monitoring that moves them fails there first.
 *
 * A job type has one lane (its queue and DLQ) or two (plus a high-priority queue and DLQ).
 */

/** CloudWatch's most widgets on one dashboard. */
export const DASHBOARD_WIDGET_LIMIT = 500;

/** CloudWatch's most alarms on one alarm status widget. */
export const ALARMS_PER_STATUS_WIDGET = 100;

/** Alarms and widgets one job type adds besides its lanes: its processor and its job metrics. */
export const PER_JOB_TYPE = {
  /** Processor errors and throttles. */
  alarms: 2,
  /** Its header, its job metrics (title and 4 graphs), its processor (title and 6 graphs). */
  widgets: 13,
} as const;

/** Alarms and widgets each lane of a job type adds. */
export const PER_LANE = {
  /** Oldest message age of the queue; its DLQ's depth. */
  alarms: 2,
  /** The queue (title and 5 graphs), its DLQ (title and 2 graphs). */
  widgets: 9,
} as const;

/**
 * What the stack adds whatever its job types: the API stage and its 6 functions, the table and
 * its 2 indexes, the sweeper. The alarm status widgets are not in `widgets`: they grow with the
 * alarms (see {@link monitoringFootprint}).
 */
export const FIXED = {
  /** API 5XX; 6 table throttles; errors and throttles of 6 API functions; sweeper's 3. */
  alarms: 22,
  /** Overview header and summary row (4); API (6 + 6 x 7); table (15); sweeper (8). */
  widgets: 75,
} as const;

/** The monitoring's footprint for one set of job types. */
export interface MonitoringFootprint {
  /** Alarms (CloudFormation resources). */
  readonly alarms: number;
  /** Dashboards (CloudFormation resources). */
  readonly dashboards: number;
  /** Widgets over every dashboard, the alarm status widgets included. */
  readonly widgets: number;
  /** Alarm status widgets (on the first dashboard). */
  readonly alarmStatusWidgets: number;
}

const statusWidgets = (alarms: number) => Math.ceil(alarms / ALARMS_PER_STATUS_WIDGET);
const sectionWidgets = (lanes: number) => PER_JOB_TYPE.widgets + lanes * PER_LANE.widgets;

/**
 * Which job type sections go on which dashboard: in order, each on the current dashboard while
 * it stays within `limit` widgets, else on a new one.
 *
 * @param firstFixed widgets on the first dashboard before any job type (alarm status, overview)
 * @param sections widgets of each job type's section, in order
 * @returns per dashboard, the indexes of its job type sections (the first may hold none)
 * @throws Error if `firstFixed` or one section alone exceeds `limit`
 */
export function planDashboards(
  firstFixed: number,
  sections: readonly number[],
  limit: number = DASHBOARD_WIDGET_LIMIT,
): number[][] {
  if (firstFixed > limit) {
    throw new Error(`The first dashboard's fixed part takes ${firstFixed} widgets, past ${limit}`);
  }
  const plan: number[][] = [[]];
  let used = firstFixed;
  sections.forEach((size, i) => {
    if (size > limit) throw new Error(`Job type section ${i} takes ${size} widgets, past ${limit}`);
    if (used + size > limit) {
      plan.push([]);
      used = 0;
    }
    plan[plan.length - 1]?.push(i);
    used += size;
  });
  return plan;
}

/**
 * The stack's monitoring footprint.
 *
 * @param lanes each job type's lane count (1, or 2 with a high-priority lane), in catalog order
 * @example monitoringFootprint([1, 1, 2]) // three job types, the last with a high-priority lane
 */
export function monitoringFootprint(lanes: readonly number[]): MonitoringFootprint {
  const alarms = FIXED.alarms + lanes.reduce((n, l) => n + PER_JOB_TYPE.alarms + l * PER_LANE.alarms, 0);
  const alarmStatusWidgets = statusWidgets(alarms);
  const sections = lanes.map(sectionWidgets);
  return {
    alarms,
    alarmStatusWidgets,
    widgets: FIXED.widgets + alarmStatusWidgets + sections.reduce((n, s) => n + s, 0),
    dashboards: planDashboards(FIXED.widgets + alarmStatusWidgets, sections).length,
  };
}

/**
 * The most job types, each with `lanes` lanes, the first dashboard holds; more continue on
 * further dashboards.
 */
export function maxJobTypesOnFirstDashboard(lanes = 1): number {
  let n = 0;
  while (monitoringFootprint(Array.from({ length: n + 1 }, () => lanes)).dashboards === 1) n += 1;
  return n;
}
