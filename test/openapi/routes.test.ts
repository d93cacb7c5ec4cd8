/**
 * The route table the OpenAPI document is generated from is the API: the same routes as the
 * stack creates (method, path, authorization) and as the local server answers.
 */
import type { CfnMethod } from 'aws-cdk-lib/aws-apigateway';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCAL_ADMIN_PRINCIPAL, LOCAL_PRINCIPAL_HEADER } from '../../local/api-gateway-event';
import { type ApiRoutes, type ApiServer, startApiServer } from '../../local/api-server';
import { ROUTES } from '../../openapi/routes';
import { createTestStack } from '../support/cdk-app';

const key = (method: string, path: string) => `${method} ${path}`;

describe('the route table', () => {
  it('is the set of routes the stack creates, with the same authorization', () => {
    const { stack } = createTestStack();
    const deployed = stack.api.api.methods.map((method) => ({
      route: key(method.httpMethod, method.resource.path),
      auth: (method.node.defaultChild as CfnMethod).authorizationType,
    }));
    const table = ROUTES.map((route) => ({
      route: key(route.method, route.path),
      auth: route.auth === 'iam' ? 'AWS_IAM' : 'NONE',
    }));
    const sort = (rows: { route: string }[]) => [...rows].sort((a, b) => a.route.localeCompare(b.route));
    expect(sort(deployed)).toEqual(sort(table));
  });

  it('marks the routes that require an API key when the stage enables apiKeys', () => {
    const { stack } = createTestStack({
      apiKeys: { enabled: true, clients: [{ name: 'partner', rateLimit: 50, burstLimit: 100 }] },
    });
    const keyed = stack.api.api.methods
      .filter((method) => (method.node.defaultChild as CfnMethod).apiKeyRequired === true)
      .map((method) => key(method.httpMethod, method.resource.path));
    const table = ROUTES.filter((route) => route.apiKey).map((route) => key(route.method, route.path));
    expect(keyed.sort()).toEqual(table.sort());
    expect(table.length).toBeGreaterThan(0);
  });

  describe('and the local server', () => {
    let server: ApiServer;
    const calls: string[] = [];
    const handler = (name: keyof ApiRoutes) => async (event: APIGatewayProxyEvent) => {
      calls.push(`${name} ${event.resource}`);
      return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{}' };
    };

    beforeAll(async () => {
      server = await startApiServer(
        {
          submit: handler('submit'),
          getJob: handler('getJob'),
          listJobs: handler('listJobs'),
          cancelJob: handler('cancelJob'),
          retryJob: handler('retryJob'),
          redrive: handler('redrive'),
        },
        { port: 0 },
      );
    });
    afterAll(() => server?.stop());

    it.each(ROUTES.map((route) => [route.operationId, route] as const))(
      'answers %s on its path, with the resource the stack would send',
      async (_id, route) => {
        calls.length = 0;
        const path = route.path.replace('{nameOrId}', 'echo').replace('{name}', 'echo');
        // Admin routes answer only the admin principal, as only an admin policy may call them on AWS.
        const headers: Record<string, string> = path.startsWith('/admin/')
          ? { [LOCAL_PRINCIPAL_HEADER]: DEFAULT_LOCAL_ADMIN_PRINCIPAL }
          : {};
        const response = await fetch(`${server.url}${path}`, { method: route.method, headers });
        expect(response.status).toBe(200);
        if (route.path !== '/health') expect(calls).toEqual([expect.stringMatching(` ${route.path}$`)]);
      },
    );

    it('answers 405 for any other method on those paths', async () => {
      const paths = [...new Set(ROUTES.map((r) => r.path))];
      for (const template of paths) {
        const path = template.replace('{nameOrId}', 'echo').replace('{name}', 'echo');
        for (const method of ['GET', 'POST', 'DELETE', 'PUT', 'PATCH']) {
          if (ROUTES.some((r) => r.path === template && r.method === method)) continue;
          const response = await fetch(`${server.url}${path}`, { method });
          expect(response.status, `${method} ${path}`).toBe(405);
        }
      }
    });

    it('serves the OpenAPI document at /openapi.json, naming itself as the server', async () => {
      const response = await fetch(`${server.url}/openapi.json`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      const document = (await response.json()) as { openapi: string; servers: { url: string }[] };
      expect(document.openapi).toBe('3.1.0');
      expect(document.servers).toEqual([{ url: server.url }]);
    });
  });
});
