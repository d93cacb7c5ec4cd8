import { describe, expect, it } from 'vitest';
import { idFromIdempotencyKey, requestHash } from '../../lambdas/core/request-hash';

describe('requestHash', () => {
  it('ignores key order', () => {
    expect(requestHash('echo', { a: 1, b: { c: [1, 2], d: null } })).toBe(
      requestHash('echo', { b: { d: null, c: [1, 2] }, a: 1 }),
    );
  });

  it('differs for a different input or job type', () => {
    const base = requestHash('echo', { a: 1 });
    expect(requestHash('echo', { a: 2 })).not.toBe(base);
    expect(requestHash('sleep', { a: 1 })).not.toBe(base);
    expect(requestHash('echo', [{ a: 1 }])).not.toBe(base);
  });
});

describe('idFromIdempotencyKey', () => {
  it('is stable for one caller and key, and a UUID', () => {
    const id = idFromIdempotencyKey('alice', 'key-1');
    expect(idFromIdempotencyKey('alice', 'key-1')).toBe(id);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('separates callers and keys', () => {
    const id = idFromIdempotencyKey('alice', 'key-1');
    expect(idFromIdempotencyKey('bob', 'key-1')).not.toBe(id);
    expect(idFromIdempotencyKey('alice', 'key-2')).not.toBe(id);
    // The separator keeps ('a', 'b\nc') and ('a\nb', 'c') apart only if owners cannot hold '\n';
    // IAM ARNs cannot, so plain concatenation collisions are what matter:
    expect(idFromIdempotencyKey('ab', 'c')).not.toBe(idFromIdempotencyKey('a', 'bc'));
  });
});
