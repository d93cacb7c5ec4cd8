/**
 * What the local API Gateway decides before any handler runs: who may call the admin routes,
 * which paths are refused, and how a client that goes away is reported. The routes are stubs
 * that record what reached them; raw HTTP keeps each path exactly as written (fetch would
 * resolve the dot segments before sending).
 */
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_LOCAL_ADMIN_PRINCIPAL,
  DEFAULT_LOCAL_PRINCIPAL,
  LOCAL_ADMIN_ENV,
  localAdminPrincipal,
} from '../../local/api-gateway-event';
import { type ApiRoutes, type ApiServer, startApiServer } from '../../local/api-server';
import { type ClientDisconnect, describeClientDisconnect } from '../../local/client-disconnect';
import { hasDotSegment } from '../../local/request-path';
import { safeDecode } from '../../local/safe-decode';
import { until } from '../support/local-e2e';

/** Which route each request reached, with its event. */
const reached: { route: keyof ApiRoutes; event: APIGatewayProxyEvent }[] = [];
/** Set by a test to hold the submit route until it resolves. */
let holdSubmit: Promise<void> | undefined;
const disconnects: ClientDisconnect[] = [];

const stub =
  (route: keyof ApiRoutes) =>
  async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    reached.push({ route, event });
    if (route === 'submit') await holdSubmit;
    return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{"ok":true}' };
  };
const routes: ApiRoutes = {
  submit: stub('submit'),
  getJob: stub('getJob'),
  listJobs: stub('listJobs'),
  cancelJob: stub('cancelJob'),
  retryJob: stub('retryJob'),
  redrive: stub('redrive'),
};

let server: ApiServer;
let port: number;
beforeAll(async () => {
  server = await startApiServer(routes, {
    port: 0,
    adminPrincipal: 'ops-team',
    onClientDisconnect: (disconnect) => disconnects.push(disconnect),
  });
  port = Number(new URL(server.url).port);
});
afterAll(() => server.stop());
afterEach(() => {
  reached.length = 0;
  disconnects.length = 0;
  holdSubmit = undefined;
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Record<string, unknown>;
}

/** One request with the path exactly as given. */
function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const redrivePath = '/admin/jobs/fail/redrive';
const as = (principal: string) => ({ 'X-Local-Principal': principal, 'Content-Type': 'application/json' });

describe('the admin routes, locally', () => {
  it.each([
    ['no X-Local-Principal (the default caller)', {}, DEFAULT_LOCAL_PRINCIPAL],
    ['another principal', as('alice'), 'alice'],
    ['the default admin when another is configured', as(DEFAULT_LOCAL_ADMIN_PRINCIPAL), 'local-admin'],
  ])('answers 403 as API Gateway denies IAM access, for %s', async (_case, headers, caller) => {
    const answer = await send('POST', redrivePath, headers, '{}');
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.headers['x-amzn-errortype']).toBe('AccessDeniedException');
    expect(answer.body).toEqual({
      type: 'about:blank',
      title: 'ACCESS_DENIED',
      detail: `User: ${caller} is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:000000000000:local/local/POST${redrivePath}`,
    });
    expect(reached).toEqual([]);
  });

  it('lets the admin principal through to the redrive handler', async () => {
    const answer = await send('POST', redrivePath, as('ops-team'), '{}');
    expect(answer.status).toBe(200);
    expect(reached.map(({ route, event }) => [route, event.pathParameters])).toEqual([
      ['redrive', { name: 'fail' }],
    ]);
  });

  it('still answers a wrong method with 405 before asking who calls', async () => {
    expect((await send('GET', redrivePath)).status).toBe(405);
  });

  it('leaves the job routes open to every caller', async () => {
    expect((await send('GET', '/jobs/abc')).status).toBe(200);
    expect((await send('GET', '/jobs/abc', as('alice'))).status).toBe(200);
  });
});

describe('localAdminPrincipal', () => {
  it('prefers the option, then the environment, then local-admin', () => {
    expect(localAdminPrincipal(undefined, {})).toBe(DEFAULT_LOCAL_ADMIN_PRINCIPAL);
    expect(localAdminPrincipal(undefined, { [LOCAL_ADMIN_ENV]: ' ops ' })).toBe('ops');
    expect(localAdminPrincipal('root', { [LOCAL_ADMIN_ENV]: 'ops' })).toBe('root');
  });

  it.each([
    ['', /ASYNC_ENDPOINTS_LOCAL_ADMIN must name a principal/],
    [DEFAULT_LOCAL_PRINCIPAL, /must not be local-user/],
  ])('refuses %j, which would let every unnamed caller in', (value, message) => {
    expect(() => localAdminPrincipal(undefined, { [LOCAL_ADMIN_ENV]: value })).toThrow(message);
  });
});

describe('paths with dot segments', () => {
  it.each([
    '/jobs/../admin/jobs/fail/redrive',
    '/jobs/%2e%2e/admin/jobs/fail/redrive',
    '/jobs/%2E%2E/admin/jobs/fail/redrive',
    '/jobs/.%2e/admin/jobs/fail/redrive',
    '/jobs\\..\\admin/jobs/fail/redrive',
    '/admin/jobs/./fail/redrive',
    '/./admin/jobs/fail/redrive',
    '/admin/jobs/fail/redrive/.',
    '/jobs/%2e',
    '/jobs/x/..?q=1',
    'http://localhost/jobs/../admin/jobs/fail/redrive',
  ])('refuses %s with 400 INVALID_PATH before any route, even for the admin', async (path) => {
    const answer = await send('POST', path, as('ops-team'), '{}');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 400, code: 'INVALID_PATH' });
    expect(reached).toEqual([]);
  });

  it.each([
    ['/jobs/a..b', 'a..b'],
    ['/jobs/...', '...'],
    ['/jobs/.hidden', '.hidden'],
    ['/jobs/%2e%2e%2e', '...'],
    // An encoded slash separates nothing: the whole segment is the parameter.
    ['/jobs/..%2F..%2Fadmin', '../../admin'],
  ])('routes %s, whose dots are part of a name', async (path, nameOrId) => {
    expect((await send('GET', path)).status).toBe(200);
    expect(reached.map(({ event }) => event.pathParameters)).toEqual([{ nameOrId }]);
  });

  it('never routes to the redrive handler unless the path as sent names it', async () => {
    const segment = fc.constantFrom(
      'admin',
      'jobs',
      'fail',
      'redrive',
      '.',
      '..',
      '%2e',
      '%2E%2e',
      '.%2e',
      'x',
    );
    const separator = fc.constantFrom('/', '/', '/', '\\', '%2F', '%5c', '//');
    const path = fc
      .array(fc.tuple(separator, segment), { minLength: 1, maxLength: 7 })
      .map((parts) => parts.map(([sep, seg]) => `${sep}${seg}`).join(''))
      .filter((p) => p.startsWith('/'));
    await fc.assert(
      fc.asyncProperty(path, async (p) => {
        reached.length = 0;
        const answer = await send('POST', p, as('ops-team'), '{}');
        const redrive = reached.find(({ route }) => route === 'redrive');
        if (redrive) {
          // `\` is a `/` to URL parsers, as `//` is one separator: nothing else may lead here.
          const [admin, jobs, name, action, ...rest] = p.split(/[/\\]/).filter(Boolean);
          expect({ admin, jobs, action, rest }).toEqual({
            admin: 'admin',
            jobs: 'jobs',
            action: 'redrive',
            rest: [],
          });
          expect(redrive.event.pathParameters).toEqual({ name: safeDecode(name ?? '') });
        }
        expect(answer.status === 400 && answer.body.code === 'INVALID_PATH').toBe(hasDotSegment(p));
      }),
      { numRuns: 300, seed: 20_261_204 },
    );
  });
});

/** A raw connection that has sent `text` (flushed: destroying it cannot drop what was written). */
async function rawRequest(text: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  await new Promise<void>((resolve, reject) =>
    socket.write(text, (error) => (error ? reject(error) : resolve())),
  );
  return socket;
}

async function firstDisconnect(): Promise<ClientDisconnect | undefined> {
  const seen = await until(
    async () => [...disconnects],
    (list) => list.length > 0,
  );
  return seen[0];
}

describe('a client that goes away', () => {
  it('is reported as a disconnect mid-body, not a server error, and the server carries on', async () => {
    const error = vi.spyOn(console, 'error');
    const socket = await rawRequest(
      'POST /jobs/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"partial":',
    );
    socket.destroy();

    expect(await firstDisconnect()).toEqual({
      method: 'POST',
      path: '/jobs/echo',
      phase: 'body',
      receivedBytes: 11,
    });
    expect(reached).toEqual([]);
    expect(error).not.toHaveBeenCalled();
    expect((await send('GET', '/health')).status).toBe(200);
    expect(disconnects).toHaveLength(1);
    error.mockRestore();
  });

  it('is reported when it leaves before the answer, and the late answer goes nowhere', async () => {
    const error = vi.spyOn(console, 'error');
    let release = () => {};
    holdSubmit = new Promise<void>((resolve) => {
      release = resolve;
    });
    const socket = await rawRequest(
      'POST /jobs/echo?x=1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
    );
    await until(
      async () => reached.length,
      (n) => n === 1,
    );
    socket.destroy();
    expect(await firstDisconnect()).toEqual({
      method: 'POST',
      path: '/jobs/echo',
      phase: 'response',
      receivedBytes: undefined,
    });
    release();
    expect((await send('GET', '/health')).status).toBe(200);
    expect(disconnects).toHaveLength(1);
    expect(error).not.toHaveBeenCalled();
    error.mockRestore();
  });

  it('is logged as one warning line by default', () => {
    expect(
      describeClientDisconnect({ method: 'POST', path: '/jobs/echo', phase: 'body', receivedBytes: 11 }),
    ).toBe('client disconnected mid-body: POST /jobs/echo (11 bytes received)');
    expect(
      describeClientDisconnect({
        method: 'GET',
        path: '/jobs/x',
        phase: 'response',
        receivedBytes: undefined,
      }),
    ).toBe('client disconnected before the response: GET /jobs/x');
  });
});
