/**
 * A local-only router of the process's stdout and stderr lines. Powertools writes its EMF
 * documents and log lines through its own `Console` on `process.stdout`/`process.stderr`, one
 * whole line per `write`; this looks at each complete line that is a JSON document and lets the
 * caller drop it (EMF handed to the collector) or replace it (a log line made readable). Any
 * other output passes through untouched. Nothing changes in the Lambda bundles; `restore()`
 * puts the streams back.
 */
import { isEmfDocument } from '../metrics/emf';

export interface OutputRouterOptions {
  /** Told each EMF document; returning true drops its line. */
  readonly onEmf?: (doc: Record<string, unknown>) => boolean;
  /** Told each other JSON document; a string replaces its line, undefined keeps it. */
  readonly onJson?: (doc: Record<string, unknown>) => string | undefined;
  /** @default [process.stdout, process.stderr] */
  readonly streams?: readonly NodeJS.WritableStream[];
}

type Write = NodeJS.WritableStream['write'];

/**
 * Starts routing; the returned function stops it. Routing stops even when something wrapped
 * `write` again after us (the wrapper then passes through to the original).
 * @throws nothing: a line that is not JSON, or fails to parse, is written as it was
 */
export function routeOutput(options: OutputRouterOptions): () => void {
  const restores = (options.streams ?? [process.stdout, process.stderr]).map((stream) =>
    patch(stream, options),
  );
  return () => {
    for (const restore of restores) restore();
  };
}

function patch(stream: NodeJS.WritableStream, options: OutputRouterOptions): () => void {
  const hadOwn = Object.hasOwn(stream, 'write');
  const original = stream.write;
  let active = true;
  const routed = function (this: NodeJS.WritableStream, chunk: unknown, ...rest: unknown[]): boolean {
    const text =
      active && typeof chunk === 'string' && chunk.includes('{') ? route(chunk, options) : undefined;
    if (text === undefined) return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    if (text === '') {
      // Nothing left to write: still call the callback, as a write would.
      const callback = rest.find((arg): arg is (error?: Error | null) => void => typeof arg === 'function');
      if (callback) process.nextTick(callback);
      return true;
    }
    return (original as (...args: unknown[]) => boolean).call(this, text, ...rest);
  } as Write;
  stream.write = routed;
  return () => {
    active = false;
    if (stream.write !== routed) return;
    if (hadOwn) stream.write = original;
    else delete (stream as { write?: Write }).write;
  };
}

/** The chunk with its JSON lines routed, or undefined when nothing changed. */
function route(chunk: string, options: OutputRouterOptions): string | undefined {
  const lines = chunk.split('\n');
  // A chunk not ending in a newline ends with a partial line: it passes through as it is.
  const tail = lines.pop() as string;
  let changed = false;
  let out = '';
  for (const line of lines) {
    const routed = routeLine(line, options);
    if (routed === undefined) out += `${line}\n`;
    else {
      changed = true;
      if (routed !== null) out += `${routed}\n`;
    }
  }
  return changed ? out + tail : undefined;
}

/** null drops the line, a string replaces it, undefined keeps it. */
function routeLine(line: string, options: OutputRouterOptions): string | null | undefined {
  if (!line.startsWith('{') || !line.trimEnd().endsWith('}')) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const record = doc as Record<string, unknown>;
  if (isEmfDocument(record)) return options.onEmf?.(record) ? null : undefined;
  return options.onJson?.(record);
}
