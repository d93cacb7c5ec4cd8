/**
 * A job input or result as the DynamoDB store keeps it when it is not plain JSON text: gzip in
 * the item (a Binary attribute) or a pointer to a gzip object in S3 (a Map attribute). The store
 * hands it to the core in place of the value, unopened: records are rewritten on every state
 * change, and carrying the stored form through means an unchanged payload is never
 * decompressed, compressed or uploaded again. Only the processor opens the input
 * (`JobStore.loadInput`), and only `GET /jobs/{id}` turns a result pointer into a presigned URL.
 */

/** Where an S3-stored payload is and what it must be. */
export interface PayloadPointer {
  readonly bucket: string;
  /** `jobs/<job id>/<input|result>.<sha256>.json.gz` */
  readonly key: string;
  /** Bytes of the object (gzip). */
  readonly size: number;
  /** Bytes of the JSON it holds. */
  readonly jsonBytes: number;
  /** Hex SHA-256 of the object: checked on every read. */
  readonly sha256: string;
}

type Form =
  | { readonly kind: 'gzip'; readonly gzip: Uint8Array }
  | { readonly kind: 'object'; readonly pointer: PayloadPointer };

/** An input or result in its stored form (gzip in the item, or a pointer to S3), unopened. */
export class StoredPayload {
  private constructor(readonly form: Form) {}

  /** gzip-compressed JSON kept in the item. */
  static gzip(gzip: Uint8Array): StoredPayload {
    return new StoredPayload({ kind: 'gzip', gzip });
  }

  /** A gzip object in S3. */
  static object(pointer: PayloadPointer): StoredPayload {
    return new StoredPayload({ kind: 'object', pointer });
  }

  /** The pointer of an S3-stored payload; undefined for one kept in the item. */
  get pointer(): PayloadPointer | undefined {
    return this.form.kind === 'object' ? this.form.pointer : undefined;
  }

  /** The attribute value as the document client writes it: Binary for gzip, a Map for a pointer. */
  toAttribute(): Uint8Array | PayloadPointer {
    return this.form.kind === 'gzip' ? this.form.gzip : { ...this.form.pointer };
  }

  /**
   * The stored form of an attribute the document client read, or undefined when it is neither
   * Binary nor a pointer Map (JSON text is decoded by the item mapping itself).
   */
  static fromAttribute(value: unknown): StoredPayload | undefined {
    if (value instanceof Uint8Array) return StoredPayload.gzip(value);
    if (typeof value !== 'object' || value === null) return undefined;
    const { bucket, key, size, jsonBytes, sha256 } = value as Record<string, unknown>;
    if (typeof bucket !== 'string' || typeof key !== 'string' || typeof sha256 !== 'string') return undefined;
    return StoredPayload.object({ bucket, key, sha256, size: Number(size), jsonBytes: Number(jsonBytes) });
  }

  /**
   * What `JSON.stringify` sees: null, so no log line or view serializes the stored bytes by
   * accident. (`GET /jobs` shows an S3-stored result as null; `GET /jobs/{id}` links to it.)
   */
  toJSON(): null {
    return null;
  }
}
