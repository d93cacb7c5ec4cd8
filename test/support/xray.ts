/**
 * Every function's role holds the X-Ray trace writes that active tracing adds (asserted in
 * `test/lib/job-monitoring.test.ts`); least-privilege tests of one function's own grants leave
 * that statement out with this.
 */
const TRACE_WRITES = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'];

/** Whether an IAM statement is exactly active tracing's X-Ray trace writes. */
export function isTraceWrite(statement: { Action?: unknown }): boolean {
  const actions = [statement.Action].flat();
  return actions.length > 0 && actions.every((a) => TRACE_WRITES.includes(String(a)));
}
