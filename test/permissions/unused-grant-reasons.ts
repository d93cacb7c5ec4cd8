/**
 * Why a grant that no recorded call and no checked service path used stays in the stack. Every
 * unused grant needs an entry here or must go; an entry that matches no unused grant fails the
 * contract too, so this table never outlives the grants it explains.
 */

/** One written reason, covering the unused grants it matches. */
export interface UnusedGrantReason {
  /** The functions it covers, as a pattern over their labels (`*`, `processor *`, `submit`). */
  readonly functions: string;
  /** The granted action, exactly. */
  readonly action: string;
  /** The granted resource, as a pattern over its label (`*`, `own log group`, `queue * high`). */
  readonly resource: string;
  readonly reason: string;
}

export const UNUSED_GRANT_REASONS: readonly UnusedGrantReason[] = [
  {
    functions: '*',
    action: 'logs:CreateLogStream',
    resource: 'own log group',
    reason:
      "The Lambda runtime creates each execution environment's log stream; function code never calls CloudWatch Logs.",
  },
  {
    functions: '*',
    action: 'logs:PutLogEvents',
    resource: 'own log group',
    reason: 'The Lambda runtime ships the function output (Powertools logs, EMF metrics) to its log group.',
  },
  {
    functions: '*',
    action: 'xray:PutTraceSegments',
    resource: '*',
    reason: "Active tracing: the Lambda runtime's X-Ray daemon sends the function's segments.",
  },
  {
    functions: '*',
    action: 'xray:PutTelemetryRecords',
    resource: '*',
    reason: "Active tracing: the Lambda runtime's X-Ray daemon reports its telemetry.",
  },
];
