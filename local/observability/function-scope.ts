/**
 * Which local function is running, for log lines that do not say: on AWS each function has its
 * own log group, locally they share one terminal, and the API handlers add no Lambda context
 * to their logs. Powertools writes a log line synchronously from the handler's own async
 * context, so the line router can ask who wrote it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<string>();

/** `handler`, running as the function `name` (see {@link currentFunction}). */
export function inFunction<A extends unknown[], R>(
  name: string,
  handler: (...args: A) => R,
): (...args: A) => R {
  return (...args) => scope.run(name, () => handler(...args));
}

/** The name of the local function whose code is running now, if any. */
export function currentFunction(): string | undefined {
  return scope.getStore();
}

/**
 * Every handler of a map running as the function named after its key, kebab-cased
 * (`getJob` runs as `get-job`).
 */
export function namedFunctions<T extends Readonly<Record<string, (...args: never[]) => unknown>>>(
  handlers: T,
): T {
  return Object.fromEntries(
    Object.entries(handlers).map(([key, handler]) => [key, inFunction(kebab(key), handler)]),
  ) as T;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
