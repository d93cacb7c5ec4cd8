/** The exit codes of `npm run test:cloud` (documented in docs/deploy.md, "Smoke-test a deployment"). */
export const CloudTestExit = {
  /** Every check passed and the stage was destroyed. */
  Passed: 0,
  /** A check (or the deploy) failed; the stage was destroyed. */
  Failed: 1,
  /** Bad arguments. */
  Usage: 2,
  /** Nothing was deployed: no credentials, no Region, or preflight said the stage does not fit. */
  NotStarted: 3,
  /** The stage could not be destroyed; the command that finishes the job was printed. */
  TeardownFailed: 4,
  /** Ctrl-C (SIGINT): the run stopped and the stage was destroyed. */
  Interrupted: 130,
  /** SIGTERM: the run stopped and the stage was destroyed. */
  Terminated: 143,
} as const;

/** One of {@link CloudTestExit}. */
export type CloudTestExit = (typeof CloudTestExit)[keyof typeof CloudTestExit];
