import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gunzipJson, placePayload, sha256Hex } from '../../../lambdas/adapters/payload-codec';
import {
  DEFAULT_COMPRESS_ABOVE_BYTES,
  INLINE_JSON_MAX_BYTES,
  INLINE_PAYLOAD_MAX_BYTES,
  MAX_BODY_BYTES_CEILING,
} from '../../../lambdas/payload-limits';

/** A JSON string value whose JSON text is exactly `bytes` long (two quotes around it). */
const stringOf = (bytes: number, char = 'a') => char.repeat(bytes - 2);
/** Incompressible JSON text of exactly `bytes` (a quoted base64 string, trimmed). */
const noiseOf = (bytes: number) =>
  randomBytes(bytes)
    .toString('base64')
    .slice(0, bytes - 2);

describe('payload limits', () => {
  it('splits the item between input and result, leaving room for metadata and growth', () => {
    expect(INLINE_PAYLOAD_MAX_BYTES).toBe(184_320);
    expect(2 * INLINE_PAYLOAD_MAX_BYTES + 8_192 + 32_768).toBe(409_600);
  });

  it('caps the body so twice it plus the event overhead fits the 6 MB Lambda payload', () => {
    expect(MAX_BODY_BYTES_CEILING).toBe(3_112_960);
    expect(2 * MAX_BODY_BYTES_CEILING + 65_536).toBeLessThanOrEqual(6_291_456);
  });
});

describe('placePayload', () => {
  it('keeps JSON at and just below the compression threshold as text, and compresses just above it', () => {
    const below = placePayload(stringOf(DEFAULT_COMPRESS_ABOVE_BYTES - 1));
    const at = placePayload(stringOf(DEFAULT_COMPRESS_ABOVE_BYTES));
    const above = placePayload(stringOf(DEFAULT_COMPRESS_ABOVE_BYTES + 1));
    expect([below.kind, at.kind, above.kind]).toEqual(['json', 'json', 'gzip']);
    expect(at.jsonBytes).toBe(DEFAULT_COMPRESS_ABOVE_BYTES);
    if (above.kind !== 'gzip') throw new Error('expected gzip');
    expect(gunzipJson(above.gzip)).toBe(stringOf(DEFAULT_COMPRESS_ABOVE_BYTES + 1));
  });

  it('honours a configured threshold, 0 compressing everything that shrinks', () => {
    expect(placePayload({ a: 'b'.repeat(100) }, { compressAboveBytes: 0 }).kind).toBe('gzip');
    expect(placePayload({ a: 'b'.repeat(100) }, { compressAboveBytes: 200 }).kind).toBe('json');
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 4,096 two-byte characters: 8,194 bytes with the quotes, above the 8,192 threshold.
    expect(placePayload('é'.repeat(4_096))).toMatchObject({ kind: 'gzip', jsonBytes: 8_194 });
  });

  it('keeps JSON that gzip cannot shrink as text while it fits the item, and sends it to S3 just above', () => {
    // 20 bytes of JSON: gzip's own 18-byte frame makes it longer.
    const value = noiseOf(20);
    const place = (inlineMaxBytes: number) => placePayload(value, { compressAboveBytes: 0, inlineMaxBytes });
    expect([place(21).kind, place(20).kind, place(19).kind]).toEqual(['json', 'json', 'object']);
  });

  it('keeps gzip in the item up to the item budget, and sends larger gzip to S3', () => {
    const inline = placePayload({ rows: Array.from({ length: 20_000 }, (_, i) => ({ i, s: `row ${i}` })) });
    expect(inline.kind).toBe('gzip');
    if (inline.kind !== 'gzip') return;
    expect(inline.gzip.byteLength).toBeLessThanOrEqual(INLINE_PAYLOAD_MAX_BYTES);
    // Same JSON, a budget one byte under its gzip: it goes to S3.
    const tight = placePayload(
      { rows: Array.from({ length: 20_000 }, (_, i) => ({ i, s: `row ${i}` })) },
      { inlineMaxBytes: inline.gzip.byteLength - 1 },
    );
    expect(tight.kind).toBe('object');
    expect(placePayload({ rows: [] }, { inlineMaxBytes: inline.gzip.byteLength }).kind).toBe('json');
  });

  it('sends JSON above 1 MiB to S3 even when its gzip would fit, so GET never inflates past it', () => {
    expect(placePayload(stringOf(INLINE_JSON_MAX_BYTES)).kind).toBe('gzip');
    const above = placePayload(stringOf(INLINE_JSON_MAX_BYTES + 1));
    expect(above.kind).toBe('object');
    if (above.kind !== 'object') return;
    expect(above.gzip.byteLength).toBeLessThan(INLINE_PAYLOAD_MAX_BYTES);
    expect(above.sha256).toBe(sha256Hex(above.gzip));
    expect(gunzipJson(above.gzip)).toBe(stringOf(INLINE_JSON_MAX_BYTES + 1));
  });

  it('compresses deterministically, so one payload always gets one content address', () => {
    const value = { text: noiseOf(300_000) };
    const first = placePayload(value);
    const second = placePayload(structuredClone(value));
    expect(first.kind).toBe('object');
    expect(first.kind === 'object' && second.kind === 'object' && first.sha256 === second.sha256).toBe(true);
  });

  it('stores undefined as null', () => {
    expect(placePayload(undefined)).toEqual({ kind: 'json', json: 'null', jsonBytes: 4 });
  });
});
