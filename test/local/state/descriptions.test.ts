import { describe, expect, it } from 'vitest';
import { describeRecovery } from '../../../local/state/boot-recovery';
import { describeCensus } from '../../../local/state/job-census';

describe('the banner’s data descriptions', () => {
  it('counts jobs by status, in a stable order', () => {
    expect(describeCensus({ total: 3, byStatus: { InProgress: 1, Completed: 2 } })).toBe(
      '3 jobs (2 Completed, 1 InProgress)',
    );
    expect(describeCensus({ total: 1, byStatus: { Failed: 1 } })).toBe('1 job (1 Failed)');
    expect(describeCensus({ total: 0, byStatus: {} })).toBe('0 jobs');
  });

  it('says what the boot recovery did, or that there was nothing to do', () => {
    expect(describeRecovery({ requeued: 2, rescheduled: 1, failed: 0 })).toBe(
      '2 re-enqueued, 1 whose worker died rescheduled',
    );
    expect(describeRecovery({ requeued: 0, rescheduled: 0, failed: 1 })).toBe(
      '1 whose worker died failed (no retries left)',
    );
    expect(describeRecovery({ requeued: 0, rescheduled: 0, failed: 0 })).toBe('nothing to re-enqueue');
  });
});
