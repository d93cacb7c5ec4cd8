/**
 * Process helpers for the tests that start `npm start` for real and stop it with signals: the
 * process tree under a PID (as `ps` sees it), liveness by PID, and a wait for a port to be free.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { assertPortFree } from '../../local/emulators/dynamodb-process';

/** One process as `ps` reports it. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  /** Process group id. */
  readonly pgid: number;
  readonly args: string;
}

/** Every process on the machine (Linux `ps`). */
export function processes(): ProcessInfo[] {
  const text = execFileSync('ps', ['-eo', 'pid=,ppid=,pgid=,args='], { encoding: 'utf8' });
  return text
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, pid, ppid, pgid, args]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      args: String(args),
    }));
}

/** `root` and all its descendants, whatever process group or session they moved to. */
export function processTree(root: number): ProcessInfo[] {
  const all = processes();
  const tree = all.filter((p) => p.pid === root);
  for (let i = 0; i < tree.length; i++) {
    const parent = tree[i]?.pid;
    tree.push(...all.filter((p) => p.ppid === parent));
  }
  return tree;
}

/**
 * Whether `pid` is a running process. A zombie (exited, not yet reaped by whoever inherited it)
 * counts as gone once its last thread has exited: it then holds no port and runs no code.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...", comm may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const zombie = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
    // A killed JVM's main thread turns zombie before its other threads have unwound.
    return !zombie || readdirSync(`/proc/${pid}/task`).length > 1;
  } catch {
    return false; // gone between the two checks
  }
}

/**
 * Waits until none of `pids` is alive.
 * @default timeoutMs 30 s
 * @throws Error naming the processes still alive, once `timeoutMs` has passed
 */
export async function untilGone(procs: readonly ProcessInfo[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = procs.filter((p) => isAlive(p.pid));
    if (alive.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(
        `Still alive after ${timeoutMs} ms:\n${alive.map((p) => `  ${p.pid} ${p.args}`).join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** SIGKILLs whichever of `procs` is still alive (cleanup after a failed test). */
export function killSurvivors(procs: readonly ProcessInfo[]): void {
  for (const p of procs) {
    if (!isAlive(p.pid)) continue;
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}

/**
 * Waits until nothing listens on `port`. A killed JVM's main thread shows as a zombie while its
 * other threads still unwind and hold its sockets, so freeing the port can lag the exit a little.
 * @default timeoutMs 30 s
 * @throws the last "port in use" error, once `timeoutMs` has passed
 */
export async function untilPortFree(port: number, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertPortFree(port, what);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
