/** The dashboard body as one string, with every token replaced by a quote-free stand-in. */
export function dashboardBody(body: unknown): string {
  if (typeof body === 'string') return body;
  const [, parts] = (body as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  // Tokens sit inside JSON strings, so stand them in with a quote-free placeholder.
  return parts
    .map((p) => (typeof p === 'string' ? p : `TOKEN_${JSON.stringify(p).replace(/"/g, "'")}`))
    .join('');
}

/** A token as {@link dashboardBody} writes it, e.g. for `{ Ref: 'X' }`. */
export const tokenText = (token: unknown): string => `TOKEN_${JSON.stringify(token).replace(/"/g, "'")}`;

/** One widget of a dashboard body, with the properties the tests read. */
export interface DashboardWidget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: {
    title?: string;
    markdown?: string;
    metrics?: unknown[][];
    alarms?: string[];
    sortBy?: string;
    // biome-ignore lint/suspicious/noExplicitAny: parsed dashboard JSON, probed field by field
    annotations?: Record<string, any>;
  };
}

/** A synthesized dashboard: its logical id, its name (a token when it holds the Region), its widgets. */
export interface SynthesizedDashboard {
  id: string;
  name: unknown;
  widgets: DashboardWidget[];
}

/** Every dashboard of a template's resources, in template order. */
export function dashboardsOf(
  resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>,
): SynthesizedDashboard[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Dashboard')
    .map(([id, r]) => ({
      id,
      name: r.Properties?.DashboardName,
      widgets: JSON.parse(dashboardBody(r.Properties?.DashboardBody)).widgets,
    }));
}
