/** A problem with how the CLI was called: reported with a hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
