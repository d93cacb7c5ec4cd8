import { describe, expect, it } from 'vitest';
import { CachedBacklogGauge } from '../../../lambdas/adapters/cached-backlog-gauge';
import type { BacklogGauge } from '../../../lambdas/core/ports';
import { ManualClock } from '../../support/jobs';

/** A gauge whose reads the test resolves by hand, counting them. */
function manualGauge() {
  const pending: { resolve: (n: number) => void; reject: (e: Error) => void }[] = [];
  const gauge: BacklogGauge = {
    read: () => new Promise<number>((resolve, reject) => pending.push({ resolve, reject })),
  };
  return { gauge, pending };
}

describe('CachedBacklogGauge', () => {
  it('reuses a reading for the TTL, then reads again', async () => {
    const clock = new ManualClock();
    const { gauge, pending } = manualGauge();
    const cached = new CachedBacklogGauge(gauge, clock, 5_000);
    const first = cached.read();
    pending[0]?.resolve(7);
    expect(await first).toBe(7);
    clock.advance(4_999);
    expect(await cached.read()).toBe(7);
    expect(pending).toHaveLength(1);
    clock.advance(1);
    const second = cached.read();
    expect(pending).toHaveLength(2);
    pending[1]?.resolve(9);
    expect(await second).toBe(9);
  });

  it('makes one read for many concurrent callers on a miss (no stampede)', async () => {
    const { gauge, pending } = manualGauge();
    const cached = new CachedBacklogGauge(gauge, new ManualClock(), 5_000);
    const readings = Array.from({ length: 50 }, () => cached.read());
    expect(pending).toHaveLength(1);
    pending[0]?.resolve(3);
    expect(await Promise.all(readings)).toEqual(Array(50).fill(3));
  });

  it('remembers a failed read for the TTL, so an outage costs one call per TTL', async () => {
    const clock = new ManualClock();
    const { gauge, pending } = manualGauge();
    const cached = new CachedBacklogGauge(gauge, clock, 5_000);
    const first = cached.read();
    pending[0]?.reject(new Error('throttled'));
    await expect(first).rejects.toThrow('throttled');
    await expect(cached.read()).rejects.toThrow('throttled');
    expect(pending).toHaveLength(1);
    clock.advance(5_000);
    const next = cached.read();
    pending[1]?.resolve(0);
    expect(await next).toBe(0);
  });
});
