/**
 * SigV4 signing, checked against AWS's published example (the `get-vanilla` case of the SigV4
 * test suite) and against an independent implementation of the algorithm (node:crypto), on a
 * real HTTP server that recomputes the signature of what fetch actually sent.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isLoopback, JobsClient, regionFromUrl, sigV4Authenticator } from '../../client';
import { LOCAL_ADMIN_ENV, LOCAL_ADMIN_PRINCIPAL } from '../../client/signing';
import {
  DEFAULT_LOCAL_ADMIN_PRINCIPAL,
  LOCAL_ADMIN_ENV as SERVER_LOCAL_ADMIN_ENV,
} from '../../local/api-gateway-event';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const fixedClock = () => new Date('2015-08-30T12:36:00Z');

/** SigV4 written out from the specification, to check the signer against. */
function expectedAuthorization(request: {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
  region: string;
  service: string;
  secret: string;
  accessKeyId: string;
}): string {
  const amzDate = request.headers['x-amz-date'] ?? '';
  const date = amzDate.slice(0, 8);
  const names = Object.keys(request.headers).sort();
  const canonicalQuery = [...new URLSearchParams(request.query)]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join('&');
  const canonical = [
    request.method,
    request.path,
    canonicalQuery,
    ...names.map((n) => `${n}:${(request.headers[n] ?? '').trim()}`),
    '',
    names.join(';'),
    createHash('sha256').update(request.body).digest('hex'),
  ].join('\n');
  const scope = `${date}/${request.region}/${request.service}/aws4_request`;
  const toSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${request.secret}`).update(date).digest();
  for (const part of [request.region, request.service, 'aws4_request']) {
    key = createHmac('sha256', key).update(part).digest();
  }
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${request.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

describe('sigV4Authenticator', () => {
  it("reproduces AWS's get-vanilla example signature", async () => {
    const sign = sigV4Authenticator({
      region: 'us-east-1',
      service: 'service',
      credentials,
      now: fixedClock,
    });
    const headers = await sign({
      method: 'GET',
      url: new URL('https://example.amazonaws.com/'),
      headers: {},
    });
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    expect(headers.host).toBeUndefined();
  });

  it('adds the session token of temporary credentials to what it signs', async () => {
    const sign = sigV4Authenticator({
      region: 'eu-west-1',
      credentials: { ...credentials, sessionToken: 'TOKEN' },
      now: fixedClock,
    });
    const headers = await sign({
      method: 'GET',
      url: new URL('https://abc.execute-api.eu-west-1.amazonaws.com/prod/jobs'),
      headers: {},
    });
    expect(headers['x-amz-security-token']).toBe('TOKEN');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20150830\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
  });

  it('signs what fetch sends: a server recomputing the signature independently agrees', async () => {
    const received: { req: IncomingMessage; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      req.on('end', () => {
        received.push({ req, body });
        res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"id":"x"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // A non-loopback name for the client (so it signs), resolved to the test server.
      const client = new JobsClient({
        url: `http://api.example.test:${port}/prod/`,
        auth: sigV4Authenticator({ region: 'eu-west-1', credentials, now: () => new Date() }),
        fetch: (input, init) => fetch(String(input).replace('api.example.test', '127.0.0.1'), init),
      });
      await client.submit('echo', { hello: 'world' }, { idempotencyKey: 'k-1', priority: 'high' });
      await client.list({ status: 'Failed', limit: 5 }).catch(() => undefined);

      expect(received).toHaveLength(2);
      for (const { req, body } of received) {
        const url = new URL(req.url ?? '/', 'http://x');
        const authorization = String(req.headers.authorization);
        const signed = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
        expect(signed).toContain('host');
        const headers = Object.fromEntries(
          signed.map((name) => [
            name,
            name === 'host' ? `api.example.test:${port}` : String(req.headers[name]),
          ]),
        );
        expect(authorization).toBe(
          expectedAuthorization({
            method: req.method ?? '',
            path: url.pathname,
            query: url.search,
            headers,
            body,
            region: 'eu-west-1',
            service: 'execute-api',
            secret: credentials.secretAccessKey,
            accessKeyId: credentials.accessKeyId,
          }),
        );
      }
      const submit = received[0]?.req;
      expect(submit?.headers).toMatchObject({ 'idempotency-key': '"k-1"', priority: 'high' });
      expect(/SignedHeaders=([^,]+)/.exec(String(submit?.headers.authorization))?.[1]).toBe(
        'accept;content-type;host;idempotency-key;priority;x-amz-date',
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('choosing how to authenticate', () => {
  it('reads the Region from an execute-api URL', () => {
    expect(regionFromUrl(new URL('https://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod/'))).toBe(
      'eu-west-1',
    );
    expect(regionFromUrl(new URL('https://api.example.com/'))).toBeUndefined();
  });

  it('treats loopback hosts as the local mode', () => {
    expect(isLoopback(new URL('http://localhost:3000'))).toBe(true);
    expect(isLoopback(new URL('http://127.0.0.1:3000'))).toBe(true);
    expect(isLoopback(new URL('http://[::1]:3000'))).toBe(true);
    expect(isLoopback(new URL('https://abc.execute-api.us-east-1.amazonaws.com/prod/'))).toBe(false);
  });

  it('sends X-Local-Principal locally and signs for a deployed URL', async () => {
    const seen: Headers[] = [];
    const capture: typeof fetch = async (_input, init) => {
      seen.push(new Headers(init?.headers));
      return new Response('{"items":[],"nextCursor":null}', {
        headers: { 'Content-Type': 'application/json' },
      });
    };
    await new JobsClient({ url: 'http://localhost:3000', principal: 'alice', fetch: capture }).list();
    await new JobsClient({
      url: 'https://abc.execute-api.us-west-2.amazonaws.com/prod',
      credentials,
      apiKey: 'key-1',
      fetch: capture,
    }).list();
    expect(seen[0]?.get('x-local-principal')).toBe('alice');
    expect(seen[0]?.get('authorization')).toBeNull();
    expect(seen[1]?.get('authorization')).toMatch(/\/us-west-2\/execute-api\/aws4_request/);
    expect(seen[1]?.get('x-api-key')).toBe('key-1');
    expect(seen[1]?.get('x-local-principal')).toBeNull();
  });

  it('names the local admin principal on admin routes only, as the local server expects', async () => {
    expect([LOCAL_ADMIN_PRINCIPAL, LOCAL_ADMIN_ENV]).toEqual([
      DEFAULT_LOCAL_ADMIN_PRINCIPAL,
      SERVER_LOCAL_ADMIN_ENV,
    ]);
    const seen: string[] = [];
    const capture: typeof fetch = async (input, init) => {
      seen.push(`${new URL(String(input)).pathname} ${new Headers(init?.headers).get('x-local-principal')}`);
      return new Response('{"items":[],"nextCursor":null}', {
        headers: { 'Content-Type': 'application/json' },
      });
    };
    const alice = new JobsClient({ url: 'http://localhost:3000', principal: 'alice', fetch: capture });
    await alice.list();
    await alice.redrive('fail');
    await new JobsClient({ url: 'http://localhost:3000', adminPrincipal: 'ops', fetch: capture }).redrive(
      'fail',
    );
    expect(seen).toEqual([
      '/jobs alice',
      `/admin/jobs/fail/redrive ${DEFAULT_LOCAL_ADMIN_PRINCIPAL}`,
      '/admin/jobs/fail/redrive ops',
    ]);
  });
});
