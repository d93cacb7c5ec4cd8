/**
 * The local system the typed client's and the CLI's end-to-end tests share (the CLI is built on
 * the client, so both exercise the same waits, cancels and redrives), with a `fetch` that checks
 * every response against the OpenAPI document.
 */
import { beforeAll } from 'vitest';
import { loadLocalConfig } from '../../local/local-config';
import type { LocalSystem } from '../../local/local-system';
import { useLocalSystem } from './local-e2e';
import { type ValidatingFetch, validatingFetch } from './validating-fetch';

export interface ClientTestSystem {
  readonly system: LocalSystem;
  /** Pass `checked.fetch` to the client; assert `checked.mismatches` stays empty. */
  readonly checked: ValidatingFetch;
}

/**
 * Starts the system in this file's beforeAll (see {@link useLocalSystem}): polls answer
 * `Retry-After: 1` for echo and sleep, `fail` never retries, and the sweeper timer is off.
 */
export function useClientTestSystem(): ClientTestSystem {
  const local = useLocalSystem(() => ({
    config: loadLocalConfig({
      jobTypes: {
        echo: { pollIntervalSeconds: 1 },
        sleep: { pollIntervalSeconds: 1 },
        fail: { maxRetries: 0, backoffBaseSeconds: 1 },
      },
    }),
    sweepIntervalMs: 0,
    // A short lease, so a running job sees its cancel within a second (a third of the lease).
    leaseMs: 3_000,
  }));
  let checked: ValidatingFetch | undefined;
  beforeAll(() => {
    checked = validatingFetch(local.system.url);
  });
  return {
    get system() {
      return local.system;
    },
    get checked() {
      if (!checked) throw new Error('The local system is not running (did its beforeAll fail?)');
      return checked;
    },
  };
}
