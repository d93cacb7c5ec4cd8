/**
 * The payload bucket: gzip objects of inputs and results too large for the job item (the claim
 * check), with conditional, checksummed writes, verified reads and presigned download URLs.
 */
import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { sha256Hex } from './payload-codec';
import type { PayloadPointer } from './stored-payload';

/** The object store the payload adapters need; {@link S3PayloadStore} is the one implementation. */
export interface PayloadObjectStore {
  /** The bucket every object goes to. */
  readonly bucket: string;
  /**
   * Stores `gzip` at `key` unless an object is already there. Keys are content-addressed (they
   * end in the object's SHA-256), so an object already at `key` holds the same bytes.
   */
  put(key: string, gzip: Uint8Array, sha256: string): Promise<void>;
  /** @throws PayloadUnavailableError when the object is gone or is not what the pointer says */
  get(pointer: PayloadPointer): Promise<Uint8Array>;
  /** A URL that downloads the object without credentials for `expiresInSeconds`. */
  presign(pointer: PayloadPointer, expiresInSeconds: number): Promise<string>;
}

/** A payload object that is missing (expired by lifecycle) or does not match its pointer. */
export class PayloadUnavailableError extends Error {
  constructor(
    readonly key: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The stored payload ${key} ${reason}`, options);
    this.name = 'PayloadUnavailableError';
  }
}

/**
 * {@link PayloadObjectStore} on one S3 bucket. Objects are written as
 * `Content-Type: application/json` and `Content-Encoding: gzip`, so a presigned download
 * arrives as plain JSON in any HTTP client that accepts gzip (browsers, `fetch`, `curl --compressed`).
 */
export class S3PayloadStore implements PayloadObjectStore {
  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
  ) {}

  async put(key: string, gzip: Uint8Array, sha256: string): Promise<void> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: gzip,
          ContentType: 'application/json',
          ContentEncoding: 'gzip',
          // S3 checks the bytes it received against this and refuses a corrupted upload.
          ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
          // An idempotent replay or a duplicate delivery finds the object there: no second write.
          IfNoneMatch: '*',
        }),
      );
    } catch (error) {
      // 412: the object exists, and by its content-addressed key it holds these very bytes.
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412) return;
      throw error;
    }
  }

  async get(pointer: PayloadPointer): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      const { Body } = await this.client.send(
        new GetObjectCommand({ Bucket: pointer.bucket, Key: pointer.key }),
      );
      if (!Body) throw new PayloadUnavailableError(pointer.key, 'came back without a body');
      bytes = await Body.transformToByteArray();
    } catch (error) {
      if (error instanceof NoSuchKey)
        throw new PayloadUnavailableError(pointer.key, 'is gone', { cause: error });
      throw error;
    }
    if (sha256Hex(bytes) !== pointer.sha256) {
      throw new PayloadUnavailableError(pointer.key, 'does not match its SHA-256');
    }
    return bytes;
  }

  presign(pointer: PayloadPointer, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: pointer.bucket, Key: pointer.key }), {
      expiresIn: expiresInSeconds,
    });
  }
}
