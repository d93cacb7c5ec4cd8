/**
 * Thrown by `LocalSystem.reload` for a change it cannot apply in place: each job type's queues,
 * DLQs and event sources are provisioned from its name and settings when the system starts.
 */
export class ReloadRefusedError extends Error {
  override readonly name = 'ReloadRefusedError';

  /** @param change what the new code does, e.g. `adds resize` */
  constructor(readonly change: string) {
    super(
      `The change ${change}: queues and event sources are provisioned at start, so it cannot be reloaded in place. Restart (Ctrl-C, then npm run dev) to apply it.`,
    );
  }
}
