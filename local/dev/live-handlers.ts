/**
 * Handlers that can be swapped while the system runs. Each route, processor and the sweeper is
 * registered as a `make` function of the handler modules; callers hold a stable function that
 * calls whatever the latest generation built:
 *
 *   event source ── live processor ──> current ──> processor(gen 1)   (a batch started here
 *                                        │                             finishes on gen 1)
 *   reload(gen 2): build all, then swap ─┘──────> processor(gen 2)   (the next batch)
 */
import type { HandlerModules } from './handler-modules';

interface Slot {
  readonly make: (modules: HandlerModules) => unknown;
  current: unknown;
}

/** Every handler of one system, rebuilt together from each new generation of modules. */
export class LiveHandlers {
  private readonly slots: Slot[] = [];

  /** @param modules the first generation */
  constructor(private current: HandlerModules) {}

  /** The generation the handlers run now. */
  get modules(): HandlerModules {
    return this.current;
  }

  /**
   * Builds a handler from the current modules now, and returns a function that always calls the
   * latest one built.
   * @throws whatever `make` throws
   */
  live<A extends unknown[], R>(make: (modules: HandlerModules) => (...args: A) => R): (...args: A) => R {
    const slot: Slot = { make, current: make(this.current) };
    this.slots.push(slot);
    return (...args: A) => (slot.current as (...args: A) => R)(...args);
  }

  /**
   * Builds every handler from `modules`, then swaps them all in at once. Calls already running
   * finish on the handlers they started on.
   * @throws whatever a `make` throws; the previous handlers then stay in place
   */
  swap(modules: HandlerModules): void {
    const next = this.slots.map((slot) => slot.make(modules));
    this.slots.forEach((slot, index) => {
      slot.current = next[index];
    });
    this.current = modules;
  }
}
