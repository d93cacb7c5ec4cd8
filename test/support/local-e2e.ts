/**
 * The shared set-up of the end-to-end tests against the local system: one system per test file
 * (started in beforeAll, stopped in afterAll), a polling helper, and the reads and submits every
 * such file makes. Files that need a special start (fault injection, proxies) keep their own.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { JobView } from '../../lambdas/core/job';
import { type LocalSystem, type LocalSystemOptions, startLocalSystem } from '../../local/local-system';
import { type LocalClient, localClient } from './local-client';

/** Emulators, provisioning and event sources take seconds; a loaded 2-core machine more. */
const START_TIMEOUT_MS = 60_000;

/** What {@link useLocalSystem} starts: the system's options, with a free port by default. */
export type LocalStart = Omit<LocalSystemOptions, 'port'> & { readonly port?: number };

export interface LocalSystemFixture {
  /** The running system; throws outside the file's tests (before start, or if start failed). */
  readonly system: LocalSystem;
  /** An OpenAPI-checking HTTP client for {@link system}'s URL. */
  readonly client: LocalClient;
}

/**
 * Starts the local system in this file's beforeAll and stops it in its afterAll. `start` runs
 * inside beforeAll (so config errors fail the hook, not collection); read `.system` and
 * `.client` inside tests and hooks, not at import time.
 *
 * @param hooks.beforeStop runs first in afterAll, e.g. to release processors held at a gate so
 *   the stop (which lets in-flight batches finish) does not wait on them.
 * @example
 * const local = useLocalSystem(() => ({ config: loadLocalConfig(), leaseMs: 1_500 }));
 * it('answers', async () => expect((await local.client.request('GET', '/health')).status).toBe(200));
 */
export function useLocalSystem(
  start: () => LocalStart,
  hooks: { readonly beforeStop?: () => void } = {},
): LocalSystemFixture {
  let system: LocalSystem | undefined;
  let client: LocalClient | undefined;
  beforeAll(async () => {
    system = await startLocalSystem({ port: 0, ...start() });
    client = localClient(system.url);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    hooks.beforeStop?.();
    await system?.stop();
  });
  const running = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The local system is not running (did its beforeAll fail?)');
    return value;
  };
  return {
    get system() {
      return running(system);
    },
    get client() {
      return running(client);
    },
  };
}

/**
 * Calls `read` until `done` accepts its value, and returns that value.
 * @default timeoutMs 10 s, intervalMs 25 ms
 * @throws Error naming the last value read, once `timeoutMs` has passed
 */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 25 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** `GET /jobs/{id}` (as `principal`, if given), expecting 200. */
export async function jobOf(client: LocalClient, id: string, principal?: string): Promise<JobView> {
  const { status, body } = await client.get(id, principal);
  expect(status, JSON.stringify(body)).toBe(200);
  return body as unknown as JobView;
}

/** `POST /jobs/{name}`, expecting 202; returns the new job's id. */
export async function acceptedId(
  client: LocalClient,
  name: string,
  input: unknown,
  headers: Record<string, string> = {},
): Promise<string> {
  const { status, body } = await client.submit(name, input, headers);
  expect(status, JSON.stringify(body)).toBe(202);
  return String(body.id);
}
