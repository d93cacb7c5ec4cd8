/**
 * Where interrupts come from: the process's SIGINT (Ctrl-C) and SIGTERM, or, in tests, a source
 * the test fires by hand (so no real signal is sent to the test runner).
 */

/** The signals the smoke test handles. */
export type InterruptSignal = 'SIGINT' | 'SIGTERM';

/** Delivers interrupts to a listener until the returned function unsubscribes it. */
export interface SignalSource {
  subscribe(listener: (signal: InterruptSignal) => void): () => void;
}

/**
 * The same Ctrl-C can arrive twice: the terminal signals the whole foreground process group, and
 * `npm run` forwards what it receives to its child as well. Repeats within this window are one.
 */
const REPEAT_WINDOW_MS = 1_000;

/**
 * The process's signals. While subscribed, SIGINT and SIGTERM no longer end the process: the
 * listener decides (the smoke test destroys its stage first).
 */
export const processSignals: SignalSource = {
  subscribe(listener) {
    const last: Partial<Record<InterruptSignal, number>> = {};
    const on = (signal: InterruptSignal) => () => {
      const now = Date.now();
      const previous = last[signal];
      last[signal] = now;
      if (previous === undefined || now - previous >= REPEAT_WINDOW_MS) listener(signal);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  },
};
