/**
 * Dashboard rows from the facade's segments: a segment's widgets share one row, which wraps past
 * the dashboard's width (as the library's own dashboard factory lays them out).
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import {
  DefaultDashboards,
  type IDashboardSegment,
  type IDynamicDashboardSegment,
} from 'cdk-monitoring-constructs';

/** One row per segment, with the widgets it shows on a detail dashboard. */
export function sectionRows(
  segments: readonly (IDashboardSegment | IDynamicDashboardSegment)[],
): cloudwatch.IWidget[] {
  return segments.map(
    (segment) =>
      new cloudwatch.Row(
        ...('widgets' in segment ? segment.widgets() : segment.widgetsForDashboard(DefaultDashboards.DETAIL)),
      ),
  );
}
