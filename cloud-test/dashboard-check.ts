/** Checks that the stage's CloudWatch dashboard exists and has widgets. */
import { type CloudWatchClient, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';

/**
 * @returns a one-line account: the dashboard's name and widget count
 * @throws Error when the dashboard is missing or empty
 */
export async function checkDashboard(
  cloudWatch: CloudWatchClient,
  dashboardName: string,
  signal?: AbortSignal,
): Promise<string> {
  let body: string | undefined;
  try {
    ({ DashboardBody: body } = await cloudWatch.send(
      new GetDashboardCommand({ DashboardName: dashboardName }),
      signal ? { abortSignal: signal } : {},
    ));
  } catch (error) {
    // The SDK names it DashboardNotFoundError; the wire code is ResourceNotFound.
    if (['DashboardNotFoundError', 'ResourceNotFound'].includes((error as Error).name))
      throw new Error(`Dashboard ${dashboardName} does not exist`);
    throw error;
  }
  const widgets = (JSON.parse(body ?? '{}') as { widgets?: unknown[] }).widgets ?? [];
  if (widgets.length === 0) throw new Error(`Dashboard ${dashboardName} has no widgets`);
  return `dashboard ${dashboardName}: ${widgets.length} widgets`;
}
