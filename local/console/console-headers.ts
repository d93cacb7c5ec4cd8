/**
 * The headers every console response carries: a strict Content-Security-Policy (scripts and
 * styles from this server only, no inline script, no eval), no MIME sniffing, no framing, and
 * no caching surprises (documents and JSON are never cached; static files revalidate).
 */
import type { ServerResponse } from 'node:http';
import { problemResponse } from '../../lambdas/api/problem';

/**
 * The console's Content-Security-Policy. `style-src 'self'` without `'unsafe-inline'`: uPlot
 * and swagger-ui set styles through the CSSOM (`element.style`), which CSP does not govern, and
 * their stylesheets are files. `img-src data:` for swagger-ui's SVG icons, which its stylesheet
 * embeds as data URLs.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every console response, whatever its body. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Sends `body` as JSON, never cached (the console polls it for live data). */
export function sendConsoleJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), { 'Cache-Control': 'no-store' });
}

/**
 * Sends an error as the API does, an RFC 9457 problem document (`code` as the API's codes), never
 * cached.
 */
export function sendConsoleProblem(
  res: ServerResponse,
  status: number,
  code: string,
  detail: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const problem = problemResponse(status, code, detail);
  send(res, status, 'application/problem+json', problem.body, { 'Cache-Control': 'no-store', ...headers });
}

/** Writes a whole response with the console's headers. */
export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, {
    ...CONSOLE_HEADERS,
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(body)),
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
