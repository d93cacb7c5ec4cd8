/**
 * Lays the monitoring's sections out on CloudWatch dashboards. The first opens with the alarm
 * status of every alarm and the overview (summary row, then the API, table and sweeper
 * sections), followed by the job type sections in catalog order; job types that would take a
 * dashboard past CloudWatch's 500 widgets continue on a second one, and so on.
 *
 * ```
 * <name>-<region>     alarm status (100 alarms a widget) | # Overview (links to the others)
 *                     summary row | # API ... # Job table ... # Sweeper ... | # Job type `a` ...
 * <name>-<region>-2   # Job type `k` ... (when the first is full)
 * ```
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { ALARMS_PER_STATUS_WIDGET, planDashboards } from './monitoring-footprint';

/** Props of {@link JobDashboards}. */
export interface JobDashboardsProps {
  /**
   * Name of the first dashboard; the Region is appended (dashboard names are account-wide, so
   * one stack deployed in two Regions would collide), then `-2`, `-3`... for the others.
   */
  readonly name: string;
  /** Every alarm of the stage, for the alarm status widgets. */
  readonly alarms: readonly cloudwatch.IAlarm[];
  /** The overview's rows: the summary row, then the sections that are not per job type. */
  readonly overview: readonly cloudwatch.IWidget[];
  /** Each job type's rows, in catalog order; a job type never spans two dashboards. */
  readonly jobTypes: readonly (readonly cloudwatch.IWidget[])[];
  /**
   * Time range the dashboards open on.
   * @default Duration.hours(3)
   */
  readonly range?: Duration;
}

/** Widgets a widget puts on a dashboard (a row or column counts what it holds). */
export const widgetCount = (widgets: readonly cloudwatch.IWidget[]): number =>
  widgets.reduce((n, w) => n + w.toJson().length, 0);

/** Console URL of a dashboard in the stack's Region. */
export function dashboardConsoleUrl(scope: Construct, dashboardName: string): string {
  const region = Stack.of(scope).region;
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboardName}`;
}

/** The stage's dashboards: the first with alarm status and overview, then job types. */
export class JobDashboards extends Construct {
  /** The dashboards, the first (alarm status, overview) first. */
  public readonly dashboards: readonly cloudwatch.Dashboard[];
  /** Their names, in the same order. */
  public readonly names: readonly string[];

  /** @throws Error if the alarm status and overview alone pass 500 widgets ({@link planDashboards}) */
  constructor(scope: Construct, id: string, props: JobDashboardsProps) {
    super(scope, id);
    const alarmStatus: cloudwatch.IWidget[] = [];
    for (let i = 0; i < props.alarms.length; i += ALARMS_PER_STATUS_WIDGET) {
      alarmStatus.push(
        new cloudwatch.AlarmStatusWidget({
          title: i === 0 ? 'Alarms' : `Alarms (continued, from ${i + 1})`,
          alarms: props.alarms.slice(i, i + ALARMS_PER_STATUS_WIDGET),
          // Alarms in ALARM first, then INSUFFICIENT_DATA, then OK: what matters shows without scrolling.
          sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
          width: 24,
          height: 6,
        }),
      );
    }
    const firstFixed = widgetCount(alarmStatus) + 1 + widgetCount(props.overview);
    const plan = planDashboards(
      firstFixed,
      props.jobTypes.map((section) => widgetCount(section)),
    );
    const base = `${props.name}-${Stack.of(this).region}`;
    this.names = plan.map((_, i) => (i === 0 ? base : `${base}-${i + 1}`));
    const links = this.names
      .slice(1)
      .map((name) => `[${name}](#dashboards:name=${name})`)
      .join(', ');
    const header = new cloudwatch.TextWidget({
      markdown: `# Overview\n\nTotals over every job type; each section below has its alarms' thresholds drawn on its graphs.${links ? ` More job types: ${links}.` : ''}`,
      width: 24,
      height: 2,
    });
    const start = `-${(props.range ?? Duration.hours(3)).toIsoString()}`;
    this.dashboards = plan.map((jobTypeIndexes, i) => {
      const widgets = [
        ...(i === 0 ? [...alarmStatus, header, ...props.overview] : []),
        ...jobTypeIndexes.flatMap((j) => props.jobTypes[j] ?? []),
      ];
      return new cloudwatch.Dashboard(this, i === 0 ? 'Dashboard' : `Dashboard${i + 1}`, {
        dashboardName: this.names[i],
        start,
        periodOverride: cloudwatch.PeriodOverride.INHERIT,
        // Each entry is a row already (the summary row, a segment's widgets), wrapping at full width.
        widgets: widgets.map((w) => [w]),
      });
    });
  }
}
