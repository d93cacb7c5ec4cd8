/**
 * Puts a job's input and result where they fit before the DynamoDB store writes the record,
 * and reads them back: the compression and claim-check policy in one place, invisible to the
 * core. The record never points at an object that is not there: the object is written first,
 * then the item (an object whose item write then fails is an orphan the lifecycle deletes).
 */
import { PermanentJobError } from '../core/errors';
import type { Job } from '../core/job';
import { PAYLOAD_KEY_PREFIX, RESULT_URL_TTL_SECONDS } from '../payload-limits';
import { gunzipJson, type PayloadPolicy, placePayload } from './payload-codec';
import { type PayloadObjectStore, PayloadUnavailableError } from './s3-payload-store';
import { StoredPayload } from './stored-payload';

/** Options of {@link JobPayloads}. */
export interface JobPayloadsOptions {
  /** Thresholds (defaults: `payload-limits.ts`). */
  readonly policy?: PayloadPolicy;
  /**
   * The bucket for payloads too large for the item.
   * @default - none: such a payload fails the write (functions that never write new payloads,
   *   like cancel and list, need no bucket)
   */
  readonly objects?: PayloadObjectStore;
}

/** A short-lived download link to a result kept in S3. */
export interface ResultLink {
  readonly url: string;
  /** ISO time after which the URL no longer works. */
  readonly expiresAt: string;
}

/** Code of the permanent error a job fails with when its stored input cannot be read. */
export const INPUT_UNAVAILABLE = 'INPUT_UNAVAILABLE';

type PayloadField = 'input' | 'result';

/**
 * The payload policy of the DynamoDB job store: `prepare` before every item write, `loadInput`
 * for the processor, `resultLink` for `GET /jobs/{id}`.
 */
export class JobPayloads {
  private readonly policy: PayloadPolicy;
  private readonly objects: PayloadObjectStore | undefined;

  constructor(options: JobPayloadsOptions = {}) {
    this.policy = options.policy ?? {};
    this.objects = options.objects;
  }

  /**
   * The job as its item should hold it: input and result as plain values (small JSON), or as
   * {@link StoredPayload}s (gzip in the item, or an S3 object uploaded now). Payloads that are
   * already stored forms pass through untouched, so rewriting a record never uploads again.
   *
   * @param beforeUpload runs once before the first upload (the store checks for an existing
   *   record there, so an idempotent replay uploads nothing); it may throw to stop the write
   */
  async prepare(job: Job, beforeUpload?: () => Promise<void>): Promise<Job> {
    let checked = beforeUpload === undefined;
    const store = async (field: PayloadField, value: unknown): Promise<unknown> => {
      if (value instanceof StoredPayload) return value;
      const placed = placePayload(value, this.policy);
      if (placed.kind === 'json') return value;
      if (placed.kind === 'gzip') return StoredPayload.gzip(placed.gzip);
      if (!this.objects) {
        throw new Error(
          `The job's ${field} (${placed.jsonBytes} bytes) needs the payload bucket, which is not configured`,
        );
      }
      if (!checked) {
        checked = true;
        await beforeUpload?.();
      }
      const key = `${PAYLOAD_KEY_PREFIX}${job.id}/${field}.${placed.sha256}.json.gz`;
      await this.objects.put(key, placed.gzip, placed.sha256);
      return StoredPayload.object({
        bucket: this.objects.bucket,
        key,
        size: placed.gzip.byteLength,
        jsonBytes: placed.jsonBytes,
        sha256: placed.sha256,
      });
    };
    const input = await store('input', job.input);
    if (job.result === undefined) return { ...job, input };
    return { ...job, input, result: await store('result', job.result) };
  }

  /**
   * The job's input as submitted, opened from its stored form.
   * @throws PermanentJobError (`INPUT_UNAVAILABLE`) when its S3 object is gone or corrupt: no
   *   retry can bring it back
   */
  async loadInput(job: Job): Promise<unknown> {
    const { input } = job;
    if (!(input instanceof StoredPayload)) return input;
    const { pointer } = input;
    if (!pointer) return gunzipJson(input.toAttribute() as Uint8Array);
    if (!this.objects) throw new Error('The job input is in the payload bucket, which is not configured');
    try {
      return gunzipJson(await this.objects.get(pointer));
    } catch (error) {
      if (!(error instanceof PayloadUnavailableError)) throw error;
      throw new PermanentJobError(`The job's stored input is unavailable: ${error.message}`, {
        code: INPUT_UNAVAILABLE,
        cause: error,
      });
    }
  }

  /** A presigned URL for a result kept in S3; undefined for a result kept in the item. */
  async resultLink(result: unknown, now: Date): Promise<ResultLink | undefined> {
    const pointer = result instanceof StoredPayload ? result.pointer : undefined;
    if (!pointer) return undefined;
    if (!this.objects) throw new Error('The job result is in the payload bucket, which is not configured');
    const url = await this.objects.presign(pointer, RESULT_URL_TTL_SECONDS);
    return { url, expiresAt: new Date(now.getTime() + RESULT_URL_TTL_SECONDS * 1000).toISOString() };
  }
}
