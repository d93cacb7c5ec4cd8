/** The cdk.json context key holding the stage config object. */
export const CONTEXT_KEY = 'asyncEndpoints';

/** The stage config is invalid; `problems` lists every violation found. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid '${CONTEXT_KEY}' config:\n- ${problems.join('\n- ')}`);
  }
}
