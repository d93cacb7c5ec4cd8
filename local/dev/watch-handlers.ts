/**
 * `npm run dev`: watches `lambdas/` and reloads the running system's handlers after each change,
 * keeping the emulators, their data, the queues and the API server up.
 *
 *   save ─┐ save ─┐            (quiet for debounceMs)
 *         └───────┴──> load fresh modules ──> system.reload ──> "[dev] reloaded handlers in 180 ms"
 *                          └─ throws: the old handlers keep running, the error is printed
 */
import { type FSWatcher, watch } from 'node:fs';
import { join, relative } from 'node:path';
import type { LocalSystem } from '../local-system';
import type { HandlerModules } from './handler-modules';
import { loadHandlerModules } from './loader';
import { ReloadRefusedError } from './reload-refused-error';

/** Options of {@link watchHandlers}. */
export interface WatchHandlersOptions {
  /** The folder holding `lambdas/`. */
  readonly root: string;
  readonly system: Pick<LocalSystem, 'reload'>;
  /** Where the one line per reload goes. @default console.log */
  readonly log?: (line: string) => void;
  /** Quiet time after the last change before reloading, ms (an editor's save is several events). @default 150 */
  readonly debounceMs?: number;
  /** Loads a generation of handler code. @default loadHandlerModules */
  readonly load?: (root: string) => HandlerModules;
}

/** A running watcher. */
export interface HandlerWatcher {
  /** Stops watching; a reload already running finishes. Idempotent. */
  close(): void;
}

/** Source files whose change reloads the handlers (not editor swap or backup files). */
const SOURCE = /\.(?:[cm]?ts|[cm]?js|json)$/;

/**
 * Watches `<root>/lambdas` recursively and reloads the system's handlers after each burst of
 * changes. Never throws after it started: a failed reload is printed and the old handlers stay.
 * @throws Error when `<root>/lambdas` cannot be watched
 */
export function watchHandlers(options: WatchHandlersOptions): HandlerWatcher {
  const { root, system } = options;
  const log = options.log ?? console.log;
  const load = options.load ?? loadHandlerModules;
  const debounceMs = options.debounceMs ?? 150;
  const dir = join(root, 'lambdas');
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;

  const reload = () => {
    timer = undefined;
    const files = [...changed].sort();
    changed.clear();
    const started = performance.now();
    const what = files.map((file) => relative(root, join(dir, file))).join(', ');
    try {
      system.reload(load(root));
      log(`[dev] reloaded handlers in ${Math.round(performance.now() - started)} ms (${what})`);
    } catch (error) {
      if (error instanceof ReloadRefusedError) log(`[dev] not reloaded: ${error.message}`);
      else log(`[dev] reload failed (${what}); the previous handlers keep running:\n${describe(error)}`);
    }
  };

  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, file) => {
    if (!file || !SOURCE.test(file)) return;
    changed.add(file);
    clearTimeout(timer);
    timer = setTimeout(reload, debounceMs);
  });
  // A watch error (the folder removed) ends watching; the system carries on with its handlers.
  watcher.on('error', (error) => log(`[dev] stopped watching ${dir}: ${describe(error)}`));
  log(`[dev] watching ${relative(process.cwd(), dir) || dir}: handlers reload on change`);
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}

/** An error as a developer needs it: the message (esbuild's names the file and line) and where it was thrown. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return (error.stack ?? `${error.name}: ${error.message}`).split('\n').slice(0, 8).join('\n');
}
