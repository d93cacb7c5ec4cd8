/**
 * How `npm start` reacts to SIGINT, SIGTERM and SIGHUP: the first one drains and stops the system, a
 * second one stops at once.
 *
 * Ctrl-C in a terminal signals the whole foreground process group, and npm (whose direct child
 * Node is) forwards the same SIGINT to Node a moment later. So one Ctrl-C reaches Node twice,
 * and under npm the first repeat, if it comes soon, is that echo:
 *
 *   t=0      kernel -> npm, Node (the JVM and the watchdog lead groups of their own)   drain
 *   t=~5ms   npm -> Node (the echo)                 ignored: the one expected echo
 *   t=0.5s   kernel -> npm, Node (2nd Ctrl-C)       stop at once: the exit hook kills the JVM
 *   t=0.5s   npm -> Node                            (exiting already)
 *
 * Counting one echo rather than ignoring every repeat for a while keeps a quick double Ctrl-C
 * working; the cost is that two `kill`s to npm's PID in quick succession count as one.
 */
import { constants } from 'node:os';

/** The signals that stop the local system. */
// SIGHUP: the terminal was closed; without a handler Node would die at once and abandon the
// jobs in flight (the JVM's watchdog would still take it down).
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** What {@link handleStopSignals} listens on and exits through; `process` by default. */
export interface SignalTarget {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/** Seams and tuning for {@link handleStopSignals}; every field has a default. */
export interface StopSignalsOptions {
  /** Where the messages go. @default console.log */
  readonly log?: (line: string) => void;
  /** Ends the process. @default process.exit */
  readonly exit?: (code: number) => void;
  /** A clock in milliseconds. @default performance.now */
  readonly now?: () => number;
  /**
   * Whether one repeat of the first signal is expected from npm (it forwards what it receives,
   * and a terminal's Ctrl-C reaches both): true when npm started this process.
   * @default whether `npm_lifecycle_event` is set
   */
  readonly expectEcho?: boolean;
  /**
   * How long after the first signal its echo may arrive; a later repeat is a second signal.
   * @default 2000
   */
  readonly echoWindowMs?: number;
  /** @default process */
  readonly target?: SignalTarget;
}

/** The handle {@link handleStopSignals} returns. */
export interface StopSignals {
  /**
   * The system is up: from now on the first signal calls `stop` (drain, then stop the
   * emulators) and exits 0, or 1 if `stop` fails. Before this, a signal exits at once.
   */
  ready(stop: () => Promise<void>): void;
  /** Removes the listeners (tests). */
  dispose(): void;
}

/**
 * Listens for {@link STOP_SIGNALS} from now on. A signal while the system starts, or a second
 * one while it drains, exits at once with 128 + the signal's number: the DynamoDB Local
 * JVM's exit hook (and, failing that, its watchdog) takes it along.
 */
export function handleStopSignals(options: StopSignalsOptions = {}): StopSignals {
  const log = options.log ?? ((line: string) => console.log(line));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const now = options.now ?? (() => performance.now());
  const echoWindowMs = options.echoWindowMs ?? 2_000;
  const expectEcho = options.expectEcho ?? process.env.npm_lifecycle_event !== undefined;
  const target = options.target ?? process;
  let stop: (() => Promise<void>) | undefined;
  let stoppingSince: number | undefined;
  let echoPending: NodeJS.Signals | undefined;

  const atOnce = (signal: NodeJS.Signals, message: string) => {
    log(message);
    exit(128 + (constants.signals[signal] ?? 0));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (echoPending === signal && now() - stoppingSince < echoWindowMs) {
        echoPending = undefined;
        return;
      }
      atOnce(signal, `${signal} again: stopping at once, abandoning the jobs still in flight.`);
      return;
    }
    if (!stop) {
      atOnce(signal, `\n${signal} while starting: stopping at once.`);
      return;
    }
    stoppingSince = now();
    echoPending = expectEcho ? signal : undefined;
    log(
      `\n${signal}: finishing in-flight batches, then stopping the emulators ` +
        '(Ctrl-C again to stop at once)...',
    );
    stop().then(
      () => exit(0),
      (error: unknown) => {
        console.error('Stopped with an error:', error);
        exit(1);
      },
    );
  };
  for (const signal of STOP_SIGNALS) target.on(signal, onSignal);
  return {
    ready(stopSystem) {
      stop = stopSystem;
    },
    dispose() {
      for (const signal of STOP_SIGNALS) target.off(signal, onSignal);
    },
  };
}
