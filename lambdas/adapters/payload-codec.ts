/**
 * Decides where a job's input or result is stored and in what form: JSON text in the item,
 * gzip in the item, or gzip in S3 (the claim check). Pure and synchronous; the S3 upload is
 * the caller's (see `job-payloads.ts`).
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DEFAULT_COMPRESS_ABOVE_BYTES,
  INLINE_JSON_MAX_BYTES,
  INLINE_PAYLOAD_MAX_BYTES,
} from '../payload-limits';

/** Thresholds of {@link placePayload}. */
export interface PayloadPolicy {
  /**
   * JSON longer than this many bytes is gzip-compressed.
   * @default DEFAULT_COMPRESS_ABOVE_BYTES (8 KiB)
   */
  readonly compressAboveBytes?: number;
  /**
   * Largest stored form kept in the item, bytes.
   * @default INLINE_PAYLOAD_MAX_BYTES (180 KiB)
   */
  readonly inlineMaxBytes?: number;
  /**
   * Largest JSON kept in the item even when its gzip would fit, bytes.
   * @default INLINE_JSON_MAX_BYTES (1 MiB)
   */
  readonly inlineMaxJsonBytes?: number;
}

/** Where a payload goes. `jsonBytes` is the size of its JSON text in UTF-8. */
export type PayloadPlacement =
  | { readonly kind: 'json'; readonly json: string; readonly jsonBytes: number }
  | { readonly kind: 'gzip'; readonly gzip: Uint8Array; readonly jsonBytes: number }
  | {
      readonly kind: 'object';
      readonly gzip: Uint8Array;
      readonly jsonBytes: number;
      readonly sha256: string;
    };

/**
 * ```
 * JSON <= compressAboveBytes (and <= inlineMaxBytes)           -> JSON text in the item
 * gzip smaller than the JSON, gzip <= inlineMaxBytes, JSON <= inlineMaxJsonBytes -> gzip in the item
 * JSON (uncompressed) <= inlineMaxBytes and <= inlineMaxJsonBytes -> JSON text (gzip did not help)
 * anything else                                               -> gzip object in S3
 * ```
 */
export function placePayload(value: unknown, policy: PayloadPolicy = {}): PayloadPlacement {
  const compressAbove = policy.compressAboveBytes ?? DEFAULT_COMPRESS_ABOVE_BYTES;
  const inlineMax = policy.inlineMaxBytes ?? INLINE_PAYLOAD_MAX_BYTES;
  const inlineJsonMax = policy.inlineMaxJsonBytes ?? INLINE_JSON_MAX_BYTES;
  const json = JSON.stringify(value ?? null);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  const jsonFits = jsonBytes <= inlineMax && jsonBytes <= inlineJsonMax;
  if (jsonBytes <= compressAbove && jsonFits) return { kind: 'json', json, jsonBytes };
  const gzip = gzipJson(json);
  if (jsonBytes <= inlineJsonMax) {
    if (gzip.byteLength < jsonBytes && gzip.byteLength <= inlineMax) return { kind: 'gzip', gzip, jsonBytes };
    // Incompressible but small enough: compression would only cost CPU on every read.
    if (jsonFits) return { kind: 'json', json, jsonBytes };
  }
  return { kind: 'object', gzip, jsonBytes, sha256: sha256Hex(gzip) };
}

/** gzip of JSON text (level 6, zlib's default: deterministic for the same text). */
export function gzipJson(json: string): Uint8Array {
  return new Uint8Array(gzipSync(Buffer.from(json, 'utf8')));
}

/** The value a gzip of JSON text holds. */
export function gunzipJson(gzip: Uint8Array): unknown {
  return JSON.parse(gunzipSync(gzip).toString('utf8'));
}

/** Lower-case hex SHA-256 of bytes: the content address of a payload object. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
