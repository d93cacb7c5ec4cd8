import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { handleStopSignals } from '../../local/stop-signals';

/** A process stand-in: signals are emitted by hand, time is set by hand, exits are recorded. */
function harness(stop: () => Promise<void> = () => Promise.resolve(), expectEcho = true) {
  const target = new EventEmitter();
  const lines: string[] = [];
  const exits: number[] = [];
  let stops = 0;
  let time = 0;
  const signals = handleStopSignals({
    target,
    log: (line) => lines.push(line),
    exit: (code) => exits.push(code),
    now: () => time,
    echoWindowMs: 2_000,
    expectEcho,
  });
  return {
    signals,
    lines,
    exits,
    stops: () => stops,
    stop: () => {
      stops++;
      return stop();
    },
    send: (signal: NodeJS.Signals) => target.emit(signal, signal),
    advance: (ms: number) => {
      time += ms;
    },
    listeners: () =>
      target.listenerCount('SIGINT') + target.listenerCount('SIGTERM') + target.listenerCount('SIGHUP'),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('handleStopSignals', () => {
  it('drains once on the first signal, then exits 0', async () => {
    const h = harness();
    h.signals.ready(h.stop);
    h.send('SIGTERM');
    await settle();
    expect(h.stops()).toBe(1);
    expect(h.exits).toEqual([0]);
    expect(h.lines.join('\n')).toContain('SIGTERM: finishing in-flight batches');
  });

  it('drains on SIGHUP (the terminal was closed) as on Ctrl-C', async () => {
    const h = harness();
    h.signals.ready(h.stop);
    h.send('SIGHUP');
    await settle();
    expect(h.stops()).toBe(1);
    expect(h.exits).toEqual([0]);
    expect(h.lines.join('\n')).toContain('SIGHUP: finishing in-flight batches');
  });

  it("ignores npm's forwarded copy of the same Ctrl-C", async () => {
    let finish = () => {};
    const h = harness(() => new Promise<void>((resolve) => (finish = resolve)));
    h.signals.ready(h.stop);
    h.send('SIGINT');
    h.advance(50);
    h.send('SIGINT');
    expect(h.exits).toEqual([]);
    expect(h.stops()).toBe(1);
    finish();
    await settle();
    expect(h.exits).toEqual([0]);
  });

  it('stops at once on a second Ctrl-C, however soon, once the echo came', () => {
    const h = harness(() => new Promise<void>(() => {}));
    h.signals.ready(h.stop);
    h.send('SIGINT');
    h.advance(5);
    h.send('SIGINT'); // npm's echo
    h.advance(300);
    h.send('SIGINT');
    expect(h.exits).toEqual([130]);
    expect(h.lines.at(-1)).toContain('SIGINT again: stopping at once');
  });

  it('takes a repeat after the echo window, or of another signal, as a second signal (128 + its number)', () => {
    const late = harness(() => new Promise<void>(() => {}));
    late.signals.ready(late.stop);
    late.send('SIGINT');
    late.advance(2_500);
    late.send('SIGINT');
    expect(late.exits).toEqual([130]);

    const other = harness(() => new Promise<void>(() => {}));
    other.signals.ready(other.stop);
    other.send('SIGINT');
    other.send('SIGTERM');
    expect(other.exits).toEqual([143]);
  });

  it('expects no echo when npm did not start the process', () => {
    const h = harness(() => new Promise<void>(() => {}), false);
    h.signals.ready(h.stop);
    h.send('SIGINT');
    h.send('SIGINT');
    expect(h.exits).toEqual([130]);
  });

  it('exits at once on a signal before the system is ready', () => {
    const h = harness();
    h.send('SIGINT');
    expect(h.stops()).toBe(0);
    expect(h.exits).toEqual([130]);
    expect(h.lines.join('\n')).toContain('while starting');
  });

  it('exits 1 when the stop fails', async () => {
    const h = harness(() => Promise.reject(new Error('the emulator would not stop')));
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      h.signals.ready(h.stop);
      h.send('SIGTERM');
      await settle();
      expect(error).toHaveBeenCalledWith('Stopped with an error:', expect.any(Error));
    } finally {
      error.mockRestore();
    }
    expect(h.exits).toEqual([1]);
  });

  it('removes its listeners on dispose', () => {
    const h = harness();
    expect(h.listeners()).toBe(3);
    h.signals.dispose();
    expect(h.listeners()).toBe(0);
  });
});
