import { describe, expect, it } from 'vitest';
import { type LocalRequest, requestUrl, toApiGatewayEvent } from '../../local/api-gateway-event';

const request = (url: string, headers: LocalRequest['headers'] = {}): LocalRequest => ({
  method: 'GET',
  url,
  headers,
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
});

describe('toApiGatewayEvent', () => {
  it('keeps query parameters named like Object.prototype members as plain parameters', () => {
    // `multiQuery['__proto__'] ?? []` was Object.prototype, not iterable: a 500 for `?__proto__`.
    const event = toApiGatewayEvent(
      request('/jobs/x?__proto__=a&constructor=b&constructor=c&toString'),
      '/jobs/{nameOrId}',
      { nameOrId: 'x' },
    );
    expect(Object.getPrototypeOf(event.queryStringParameters)).toBe(Object.prototype);
    expect(Object.entries(event.queryStringParameters ?? {})).toEqual([
      ['__proto__', 'a'],
      ['constructor', 'c'],
      ['toString', ''],
    ]);
    expect(Object.entries(event.multiValueQueryStringParameters ?? {})).toEqual([
      ['__proto__', ['a']],
      ['constructor', ['b', 'c']],
      ['toString', ['']],
    ]);
  });

  it('keeps headers named like Object.prototype members as plain headers', () => {
    // As Node builds them: a null-prototype object whose keys are the client's header names.
    const headers = Object.assign(
      Object.create(null),
      JSON.parse('{"__proto__":"x","constructor":["y","z"]}'),
    );
    const event = toApiGatewayEvent(request('/health', headers), '/health', null);
    expect(Object.entries(event.headers)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'z'],
    ]);
    expect(Object.getPrototypeOf(event.multiValueHeaders)).toBe(Object.prototype);
    expect(event.multiValueHeaders.constructor).toEqual(['y', 'z']);
  });
});

describe('requestUrl', () => {
  it.each([
    ['/jobs/echo?a=1', '/jobs/echo'],
    ['//jobs/echo', '//jobs/echo'],
    ['///%E2%80%8B', '///%E2%80%8B'],
    ['/\\jobs/echo', '//jobs/echo'],
    ['*', '/*'],
    ['http://', '/'],
  ])('reads the target %s as the path %s, never throwing', (target, pathname) => {
    expect(requestUrl(target).pathname).toBe(pathname);
  });
});
