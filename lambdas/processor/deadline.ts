import type { SQSRecord } from 'aws-lambda';

/** Time kept back from the handler to record the outcome before the function times out. */
export function outcomeReserveMs(remainingMs: number): number {
  return Math.min(5_000, Math.max(1_000, Math.floor(remainingMs * 0.1)));
}

/**
 * Margin added past the invocation's end to give the lease's upper bound. The lease actually
 * taken is shorter (at most `LEASE_MS`) and renewed while the handler runs, so a live worker is
 * not overtaken; the bound keeps a short invocation from holding a lease past its own end plus
 * this margin. The queue's visibility timeout (>= 6x the function timeout) is far longer, so a
 * dead worker's job is always re-claimable when its message returns.
 */
export const LEASE_MARGIN_MS = 10_000;

/**
 * Seconds until a delivery that hit an infrastructure error is tried again: 2, 4, 8 ... up to
 * 60, growing with the message's receive count so a long outage does not spin.
 */
export function infrastructureRetrySeconds(record: Pick<SQSRecord, 'attributes'>): number {
  const receives = Number(record.attributes?.ApproximateReceiveCount) || 1;
  return Math.min(60, 2 ** Math.min(receives, 6));
}
