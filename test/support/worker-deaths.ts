/**
 * A processor invocation that dies while a job handler runs, leaving that job InProgress under a
 * live lease. The event source is told at once that the invocation failed (its messages stay
 * hidden until their visibility timeout), while the real invocation runs on, detached and mute:
 * every AWS call it makes from then on is swallowed, as a dead process sends nothing. No
 * heartbeat renews the lease and no outcome is written; the sweeper (lease expiry ->
 * WORKER_LOST) or a redelivery must recover the job.
 *
 * Which calls belong to a dead invocation is tracked with AsyncLocalStorage: the invocation runs
 * inside its own context, which follows every await, timer and SDK call it makes.
 *
 * ```
 * event source ── invoke ──────────────── failure reported (nothing deleted)
 * invocation      claim ── handler starts ╳ dies: heartbeats, outcome, deletes ... never sent
 * sweeper                                        lease expires ── WORKER_LOST ── Scheduled/Failed
 * ```
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Thrown to the event source by an invocation that died. */
export class WorkerDied extends Error {
  constructor() {
    super('Injected fault: the worker died with a live lease');
    this.name = 'WorkerDied';
  }
}

interface Invocation {
  readonly doomed: boolean;
  dead: boolean;
  die(): void;
}

/** Any SDK v3 client: only its middleware stack is used. */
interface ClientWithMiddleware {
  readonly middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string; priority: 'high' },
    ): void;
  };
}

export class WorkerDeaths {
  /** Invocations that died with a job handler running. */
  died = 0;
  /** AWS calls a dead invocation tried to make, swallowed. */
  callsSwallowed = 0;
  /** Jobs whose handler was running in an invocation that died: each was left InProgress. */
  readonly jobsLeftInProgress = new Set<string>();
  private readonly context = new AsyncLocalStorage<Invocation>();

  /**
   * Runs one invocation. A doomed one dies as its first job handler starts: the returned promise
   * rejects with {@link WorkerDied} then, and `work` runs on with its calls swallowed. A doomed
   * invocation that starts no handler (every record skipped) ends normally.
   */
  run<T>(doomed: boolean, work: () => Promise<T>): Promise<T> {
    let die = () => {};
    const death = new Promise<never>((_, reject) => {
      die = () => reject(new WorkerDied());
    });
    const invocation: Invocation = { doomed, dead: false, die };
    return Promise.race([this.context.run(invocation, work), death]);
  }

  /** A job handler is starting: the moment a doomed invocation dies. */
  handlerStarting(jobId: string): void {
    const invocation = this.context.getStore();
    if (!invocation?.doomed) return;
    this.jobsLeftInProgress.add(jobId);
    if (invocation.dead) return;
    invocation.dead = true;
    this.died += 1;
    invocation.die();
  }

  /** True inside an invocation that died. */
  get inDeadInvocation(): boolean {
    return this.context.getStore()?.dead === true;
  }

  /**
   * Makes `client` swallow every call from a dead invocation: the call never reaches the
   * emulator and never settles. It runs first (initialize step, high priority), before any
   * other fault middleware.
   */
  mute<C extends ClientWithMiddleware>(client: C): C {
    client.middlewareStack.add(
      (next) => (args) => {
        if (!this.inDeadInvocation) return next(args);
        this.callsSwallowed += 1;
        return new Promise<never>(() => {});
      },
      { step: 'initialize', name: 'muteDeadWorkers', priority: 'high' },
    );
    return client;
  }
}
