/** The CLI's exit codes (documented in docs/client-and-cli.md). */
export const ExitCode = {
  /** Done; for `wait` (and `submit --wait`), the job Completed. */
  Ok: 0,
  /** `wait`: the job ended Failed or Canceled. */
  JobFailed: 1,
  /** Bad arguments, an unknown command, or no API URL could be found. */
  Usage: 2,
  /**
   * The API answered with an error (the problem is printed), or could not be reached;
   * `preflight`: an AWS read failed (credentials, permissions, network) or cdk.context.json is unreadable.
   */
  ApiError: 3,
  /** `wait`: the job had not finished when `--timeout` ran out. */
  Timeout: 4,
  /** `preflight`: the stage does not fit the account (or its config is invalid): cdk synth would refuse it. */
  DoesNotFit: 5,
} as const;

/** One of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
