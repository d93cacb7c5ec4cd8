/**
 * Process and port helpers for the DynamoDB emulators: the Java probe, loopback port checks and
 * a child-process shutdown that waits until the process is really gone.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';

/** The Debian/Ubuntu package that provides a Java runtime DynamoDB Local 3.x accepts. */
export const JAVA_PACKAGE = 'openjdk-17-jre-headless';

/** How to get Java 17, in one sentence: used by every "Java missing" message. */
export const JAVA_INSTALL_HINT =
  `install Java 17 or newer (Debian/Ubuntu: \`sudo apt-get install -y ${JAVA_PACKAGE}\`; ` +
  'macOS: `brew install openjdk@17`) and make sure `java` is on the PATH';

/**
 * The major version of `java` on the PATH (17 for `openjdk version "17.0.15"`, 8 for
 * `java version "1.8.0_392"`), or undefined when there is no runnable Java.
 * `command` and `env` exist so tests can hide Java (e.g. `env: { PATH: '/nonexistent' }`).
 */
export function javaMajorVersion(
  command = 'java',
  env: NodeJS.ProcessEnv = process.env,
): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile(command, ['-version'], { env, timeout: 15_000 }, (error, stdout, stderr) => {
      if (error) return resolve(undefined);
      resolve(parseJavaMajorVersion(`${stderr}\n${stdout}`));
    });
  });
}

/** Parses the output of `java -version` (it goes to stderr). */
export function parseJavaMajorVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  // Java 8 and older report "1.8.0_x".
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/**
 * Fails with a clear message when something already listens on `port`. The probe binds the
 * wildcard address, because DynamoDB Local binds every interface: a listener on any of them
 * (a JVM left over from an earlier run, typically) makes the bind fail.
 */
export async function assertPortFree(port: number, what: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, exclusive: true }, resolve);
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `Cannot start ${what}: port ${port} is already in use, perhaps by an emulator left over ` +
          `from an earlier run (find it with \`ss -ltnp | grep :${port}\` or \`lsof -i :${port}\`). ` +
          'Stop that process or choose another port.',
        { cause: error },
      );
    }
    throw error;
  } finally {
    await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  }
}

/** A port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, exclusive: true }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves only once the process has exited. */
export async function terminate(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.pid === undefined || hasExited(child)) return; // never started, or already gone
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Kills `pid` when this process dies in a way no `process.on('exit')` hook sees (SIGTERM, SIGKILL,
 * a crash): a `sh` whose stdin is a pipe from us waits for end-of-file, which the kernel delivers
 * when our end closes, i.e. when we are gone. `disarm()` (on a normal stop, before the target is
 * stopped) ends the watchdog and resolves once it has exited.
 *
 * The watchdog leads its own process group (`detached`), as the target should: a terminal's
 * Ctrl-C signals the foreground group, and a watchdog in it would die before Node has drained,
 * leaving nothing to take the target down if Node is then killed.
 */
export function killWhenParentDies(pid: number): { disarm(): Promise<void> } {
  const watchdog = spawn('/bin/sh', ['-c', `read -r _ || true; kill -9 ${pid} 2>/dev/null`], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watchdog.on('error', () => {}); // No /bin/sh (Windows): the exit hook still covers normal exits.
  watchdog.stdin?.on('error', () => {});
  watchdog.unref();
  (watchdog.stdin as { unref?: () => void } | null)?.unref?.();
  return {
    async disarm() {
      if (watchdog.pid === undefined || hasExited(watchdog)) return;
      const exited = once(watchdog, 'exit');
      watchdog.kill('SIGKILL');
      await exited;
    },
  };
}

/** Keeps the last `limit` characters a stream wrote (for error messages). */
export function tail(limit = 4_000): { push(chunk: Buffer | string): void; text(): string } {
  let text = '';
  return {
    push(chunk) {
      text = (text + chunk.toString()).slice(-limit);
    },
    text: () => text.trim(),
  };
}
