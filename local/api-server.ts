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
import { type LocalRequest, requestUrl, toApiGatewayEvent } from './api-gateway-event';
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

export async function startApiServer(
  routes: ApiRoutes,
  options: { port: number; host?: string; console?: ConsoleHook },
): Promise<ApiServer> {
  const server = createServer((req, res) => {
    handle(routes, req, res, options.console).catch((error: unknown) => {
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
  req: IncomingMessage,
  res: ServerResponse,
  consolePages?: ConsoleHook,
): Promise<void> {
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
    req.on('error', reject);
  });
}

function send(res: ServerResponse, result: APIGatewayProxyResult): void {
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
