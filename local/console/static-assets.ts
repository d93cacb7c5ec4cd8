/**
 * The console's files: its own (HTML, CSS, JS modules in `static/`) and the two viewers it uses,
 * served from `node_modules` as their packages ship them (swagger-ui-dist, uPlot). Only the
 * files listed here are served: a request path never reaches the file system.
 */
import { readdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import { CONSOLE_HEADERS, send } from './console-headers';

/** Where the console's static files are served from: `/_console/static/<name>`. */
export const STATIC_PREFIX = '/_console/static/';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A package's folder in node_modules, found as Node resolves it (hoisted or not). */
function packageDir(name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`));
}

/**
 * Every file the console serves, by its path under {@link STATIC_PREFIX}.
 * @throws Error when swagger-ui-dist or uplot is not installed (both are dev dependencies)
 */
export function consoleAssets(): ReadonlyMap<string, string> {
  const own = path.join(__dirname, 'static');
  const swagger = packageDir('swagger-ui-dist');
  const uplot = packageDir('uplot');
  const assets = new Map<string, string>();
  for (const name of readdirSync(own)) {
    if (path.extname(name) in CONTENT_TYPES) assets.set(name, path.join(own, name));
  }
  assets.set('vendor/swagger-ui/swagger-ui-bundle.js', path.join(swagger, 'swagger-ui-bundle.js'));
  assets.set('vendor/swagger-ui/swagger-ui.css', path.join(swagger, 'swagger-ui.css'));
  assets.set('vendor/uplot/uPlot.iife.min.js', path.join(uplot, 'dist', 'uPlot.iife.min.js'));
  assets.set('vendor/uplot/uPlot.min.css', path.join(uplot, 'dist', 'uPlot.min.css'));
  return assets;
}

/**
 * Sends one file: revalidated on every use (`no-cache` with an ETag of its size and mtime), so
 * an edited file shows on reload and an unchanged one costs a 304.
 */
export async function sendAsset(req: IncomingMessage, res: ServerResponse, file: string): Promise<void> {
  const info = await stat(file);
  const etag = `"${info.size.toString(36)}-${Math.trunc(info.mtimeMs).toString(36)}"`;
  const headers = { 'Cache-Control': 'no-cache', ETag: etag };
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ...CONSOLE_HEADERS, ...headers });
    res.end();
    return;
  }
  send(res, 200, type, await readFile(file), headers);
}
