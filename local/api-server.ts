/**
 * The local API Gateway: an HTTP server with the deployed API's routes, calling the same
 * handlers with the same REST (v1 proxy) events.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { problemResponse } from '../lambdas/api/problem';
import { jobTypes } from '../lambdas/jobs/catalog';
import { buildOpenApiDocument } from '../openapi/document';
import {
  DEFAULT_LOCAL_ADMIN_PRINCIPAL,
  type LocalRequest,
  principalOf,
  requestUrl,
  toApiGatewayEvent,
} from './api-gateway-event';
import { type ClientDisconnect, ClientDisconnectedError, logClientDisconnect } from './client-disconnect';
import { hasDotSegment, rawPath } from './request-path';
import { safeDecode } from './safe-decode';

export type ApiHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface ApiRoutes {
  readonly submit: ApiHandler;
  readonly getJob: ApiHandler;
  readonly listJobs: ApiHandler;
  readonly cancelJob: ApiHandler;
  readonly retryJob: ApiHandler;
  readonly redrive: ApiHandler;
}

/** The local console (`local/console`): answers its own paths and returns true, else false. */
export interface ConsoleHook {
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

/** API Gateway refuses payloads over 10 MB before any Lambda runs. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface ApiServer {
  readonly url: string;
  readonly server: Server;
  stop(): Promise<void>;
}

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /**
   * The only caller the admin routes (`/admin/...`) let through; any other gets API Gateway's
   * IAM denial (`403`).
   * @default DEFAULT_LOCAL_ADMIN_PRINCIPAL
   */
  readonly adminPrincipal?: string;
  /**
   * Told about each client that went away before its request was read or answered (a client's
   * choice, not a server error).
   * @default one warning line on stderr (`logClientDisconnect`)
   */
  readonly onClientDisconnect?: (disconnect: ClientDisconnect) => void;
  /** The console (local only), asked first for `/` and `/_console/**`. @default none */
  readonly console?: ConsoleHook;
}

/**
 * Starts the local API Gateway on `options.port`.
 * @throws Error (`EADDRINUSE`, ...) when it cannot listen
 */
export async function startApiServer(routes: ApiRoutes, options: ApiServerOptions): Promise<ApiServer> {
  const admin = options.adminPrincipal ?? DEFAULT_LOCAL_ADMIN_PRINCIPAL;
  const onDisconnect = options.onClientDisconnect ?? logClientDisconnect;
  const server = createServer((req, res) => {
    const path = rawPath(req.url ?? '/');
    // A client that leaves after sending its body but before its answer is written (one that
    // leaves mid-body is reported by the catch below).
    res.once('close', () => {
      if (!res.writableFinished && req.complete) {
        onDisconnect({ method: req.method ?? 'GET', path, phase: 'response', receivedBytes: undefined });
      }
    });
    handle(routes, admin, req, res, options.console).catch((error: unknown) => {
      if (error instanceof ClientDisconnectedError) {
        onDisconnect({
          method: req.method ?? 'GET',
          path,
          phase: 'body',
          receivedBytes: error.receivedBytes,
        });
        return;
      }
      // The handlers answer their own errors; reaching here is a bug in this adapter.
      console.error('local API server error', error);
      if (!res.headersSent) send(res, problem(500, 'INTERNAL_ERROR', 'The local API server failed'));
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    server,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      return stopped;
    },
  };
}

async function handle(
  routes: ApiRoutes,
  adminPrincipal: string,
  req: IncomingMessage,
  res: ServerResponse,
  consolePages?: ConsoleHook,
): Promise<void> {
  // Before anything is routed: URL parsing below would resolve the dot segments.
  if (hasDotSegment(req.url ?? '/')) {
    send(
      res,
      problem(
        400,
        'INVALID_PATH',
        "The path has a dot segment ('.' or '..', plain or percent-encoded); send the resolved path",
      ),
    );
    return;
  }
  // The console (local only) answers `/` and `/_console/**`; every other path is the API's.
  if (consolePages && (await consolePages.handle(req, res))) return;
  const body = await readBody(req);
  if (body === 'too-large') {
    send(res, problem(413, 'BODY_TOO_LARGE', `API Gateway accepts at most ${GATEWAY_MAX_BODY_BYTES} bytes`));
    return;
  }
  const method = req.method ?? 'GET';
  const request: LocalRequest = {
    method,
    url: req.url ?? '/',
    headers: req.headers,
    body,
    sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
  };
  const segments = requestUrl(request.url).pathname.split('/').filter(Boolean);

  if (segments.length === 1 && segments[0] === 'health') {
    if (method !== 'GET') return send(res, methodNotAllowed(['GET']));
    return send(res, {
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      body: '{"status":"ok"}',
    });
  }
  if (segments.length === 1 && segments[0] === 'openapi.json') {
    if (method !== 'GET') return send(res, methodNotAllowed(['GET']));
    return send(res, openApiResponse(req));
  }
  if (segments.length === 1 && segments[0] === 'jobs') {
    if (method !== 'GET') return send(res, methodNotAllowed(['GET']));
    return send(res, await routes.listJobs(toApiGatewayEvent(request, '/jobs', null)));
  }
  if (segments.length === 2 && segments[0] === 'jobs') {
    const pathParameters = { nameOrId: safeDecode(segments[1] ?? '') };
    const event = toApiGatewayEvent(request, '/jobs/{nameOrId}', pathParameters);
    if (method === 'POST') return send(res, await routes.submit(event));
    if (method === 'GET') return send(res, await routes.getJob(event));
    if (method === 'DELETE') return send(res, await routes.cancelJob(event));
    return send(res, methodNotAllowed(['GET', 'POST', 'DELETE']));
  }
  if (segments.length === 3 && segments[0] === 'jobs' && segments[2] === 'retry') {
    if (method !== 'POST') return send(res, methodNotAllowed(['POST']));
    const pathParameters = { nameOrId: safeDecode(segments[1] ?? '') };
    return send(
      res,
      await routes.retryJob(toApiGatewayEvent(request, '/jobs/{nameOrId}/retry', pathParameters)),
    );
  }
  if (
    segments.length === 4 &&
    segments[0] === 'admin' &&
    segments[1] === 'jobs' &&
    segments[3] === 'redrive'
  ) {
    if (method !== 'POST') return send(res, methodNotAllowed(['POST']));
    const caller = principalOf(req.headers);
    if (caller !== adminPrincipal) return send(res, accessDenied(caller, method, request.url));
    const pathParameters = { name: safeDecode(segments[2] ?? '') };
    return send(
      res,
      await routes.redrive(toApiGatewayEvent(request, '/admin/jobs/{name}/redrive', pathParameters)),
    );
  }
  send(res, problem(404, 'ROUTE_NOT_FOUND', `No route for ${method} ${request.url.split('?')[0]}`));
}

/** The API's OpenAPI document, naming this server (as the client reached it) as its server. */
function openApiResponse(req: IncomingMessage): APIGatewayProxyResult {
  const serverUrl = `http://${req.headers.host ?? 'localhost'}`;
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    body: JSON.stringify(buildOpenApiDocument({ jobTypes, serverUrl })),
  };
}

/**
 * The whole body.
 * @throws ClientDisconnectedError when the client goes away before the body ended
 */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > GATEWAY_MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    // Node reports a reset mid-body as an `aborted` error, or only closes the request: either
    // way the body never ends, and the promise must settle.
    const gone = () => reject(new ClientDisconnectedError(size));
    req.on('error', gone);
    req.on('close', () => {
      if (!req.complete) gone();
    });
  });
}

/**
 * API Gateway's answer to a caller IAM does not allow (its `ACCESS_DENIED` gateway response,
 * through the stack's problem template in lib/constructs/job-api.ts).
 */
function accessDenied(caller: string, method: string, target: string): APIGatewayProxyResult {
  const resource = `arn:aws:execute-api:us-east-1:000000000000:local/local/${method}${rawPath(target)}`;
  return {
    statusCode: 403,
    headers: { 'Content-Type': 'application/problem+json', 'x-amzn-ErrorType': 'AccessDeniedException' },
    body: JSON.stringify({
      type: 'about:blank',
      title: 'ACCESS_DENIED',
      detail: `User: ${caller} is not authorized to perform: execute-api:Invoke on resource: ${resource}`,
    }),
  };
}

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
  // The client left: nothing to write to (its disconnect is reported when the response closes).
  if (res.destroyed) return;
  res.writeHead(result.statusCode, { ...(result.headers as Record<string, string>) });
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

function problem(status: number, code: string, detail: string): APIGatewayProxyResult {
  return problemResponse(status, code, detail);
}

function methodNotAllowed(allowed: string[]): APIGatewayProxyResult {
  const result = problem(405, 'METHOD_NOT_ALLOWED', `Use ${allowed.join(' or ')}`);
  return { ...result, headers: { ...result.headers, Allow: allowed.join(', ') } };
}
