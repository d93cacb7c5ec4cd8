/**
 * Loads a fresh generation of the handler code from `<root>/lambdas`: drops every module under
 * it from Node's require cache, then requires the wiring, the job catalog and the catalog class
 * again. The package is CommonJS run through tsx, so each `.ts` file is compiled anew from disk.
 */
import Module, { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { register } from 'tsx/cjs/api';
import type { HandlerModules } from './handler-modules';

/**
 * The handler modules as `<root>/lambdas` holds them now.
 * @param root the folder holding `lambdas/` (and a `node_modules` its imports resolve from)
 * @throws whatever compiling or evaluating a module throws (a syntax error, a throw at load), or
 *   an Error when a module does not export what the local system needs
 */
export function loadHandlerModules(root: string): HandlerModules {
  ensureTypeScriptLoader();
  const lambdas = join(root, 'lambdas') + sep;
  const load = createRequire(join(root, 'package.json'));
  for (const key of Object.keys(load.cache)) {
    if (key.startsWith(lambdas)) delete load.cache[key];
  }
  const wiring = load('./lambdas/wiring') as HandlerModules['wiring'];
  const { jobTypes } = load('./lambdas/jobs/catalog') as { jobTypes?: HandlerModules['jobTypes'] };
  const { JobCatalog } = load('./lambdas/core/catalog') as { JobCatalog?: HandlerModules['JobCatalog'] };
  const missing = [
    ...(typeof wiring.wireProcessorHandler !== 'function' ? ['lambdas/wiring.ts: wireProcessorHandler'] : []),
    ...(!Array.isArray(jobTypes) ? ['lambdas/jobs/catalog.ts: jobTypes'] : []),
    ...(typeof JobCatalog !== 'function' ? ['lambdas/core/catalog.ts: JobCatalog'] : []),
  ];
  if (missing.length > 0 || !jobTypes || !JobCatalog) {
    throw new Error(`The handler code does not export ${missing.join(', ')}`);
  }
  return { wiring, jobTypes, JobCatalog };
}

/**
 * `npm start` and `npm run dev` run under tsx, which already compiles `.ts` on require; a process
 * without it (a test runner) gets tsx's CommonJS hook once.
 */
function ensureTypeScriptLoader(): void {
  const extensions = (Module as unknown as { _extensions: Record<string, unknown> })._extensions;
  if (!('.ts' in extensions)) register();
}
