/**
 * The process signal source. No real signal is sent: `process.emit` calls the listeners the way
 * Node does when one arrives (the test worker has no other SIGINT/SIGTERM listener).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { processSignals } from '../../cloud-test/signals';

afterEach(() => vi.useRealTimers());

describe('processSignals', () => {
  it('counts a Ctrl-C delivered twice at once (terminal and npm) as one, a later one again', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const received: string[] = [];
    const unsubscribe = processSignals.subscribe((signal) => received.push(signal));
    try {
      process.emit('SIGINT');
      process.emit('SIGINT');
      process.emit('SIGTERM');
      vi.setSystemTime(1_500);
      process.emit('SIGINT');
    } finally {
      unsubscribe();
    }
    expect(received).toEqual(['SIGINT', 'SIGTERM', 'SIGINT']);
    expect(process.listenerCount('SIGINT')).toBe(0);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});
