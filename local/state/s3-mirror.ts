/**
 * Keeps fauxqs' S3 objects (the payload bucket: large inputs and results) across restarts.
 * fauxqs holds them in memory only, so every object written is mirrored to a folder before the
 * writer gets its answer, every delete removes the copy, and a new start puts them all back into
 * fauxqs before anything reads them:
 *
 * ```
 * <dir>/<bucket>/<sha256 of key>.body   the object's bytes
 * <dir>/<bucket>/<sha256 of key>.json   { key, contentType, contentEncoding?, metadata }, written last
 * ```
 * The copy is taken from fauxqs itself (an in-process GET), so it holds exactly what a reader
 * gets: Content-Type, Content-Encoding and `x-amz-meta-*` included.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** What a mirrored object's `.json` file holds. */
interface MirroredObject {
  readonly key: string;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly metadata: Record<string, string>;
}

interface InjectResponse {
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  readonly rawPayload: Buffer;
}

/** The parts of a Fastify instance (fauxqs' app) the mirror uses. */
export interface MirrorTarget {
  addHook(
    name: 'onSend',
    hook: (
      request: {
        method: string;
        url: string;
        params: unknown;
        body: unknown;
        headers: Record<string, unknown>;
      },
      reply: { statusCode: number },
      payload: unknown,
    ) => Promise<unknown>,
  ): unknown;
  inject(options: {
    method: 'GET' | 'PUT';
    url: string;
    headers?: Record<string, string>;
    payload?: Buffer;
  }): Promise<InjectResponse>;
}

/** Marks the restore's own writes, which the mirror must not copy back. */
const RESTORE_HEADER = 'x-local-restore';

const fileOf = (dir: string, bucket: string, key: string) =>
  path.join(dir, bucket, createHash('sha256').update(key).digest('hex'));

const urlOf = (bucket: string, key: string) =>
  `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;

/** Writes a file whole or not at all: a crash mid-write leaves only a `.tmp` behind. */
function writeAtomically(file: string, data: Buffer | string): void {
  writeFileSync(`${file}.tmp`, data);
  renameSync(`${file}.tmp`, file);
}

function forget(dir: string, bucket: string, key: string): void {
  const file = fileOf(dir, bucket, key);
  rmSync(`${file}.json`, { force: true });
  rmSync(`${file}.body`, { force: true });
}

/** `<Key>` elements of a DeleteObjects request body, XML entities decoded. */
export function deletedKeys(body: unknown): string[] {
  const xml = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return [...xml.matchAll(/<Key>([\s\S]*?)<\/Key>/g)].map((match) =>
    (match[1] ?? '').replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => entities[name] ?? ''),
  );
}

/**
 * Mirrors every object fauxqs stores (PutObject, CopyObject, CompleteMultipartUpload) into `dir`
 * and removes the copies of deleted ones (DeleteObject, DeleteObjects), before answering.
 */
export function mirrorObjects(app: MirrorTarget, dir: string): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode >= 300 || request.headers[RESTORE_HEADER]) return payload;
    const params = request.params as { bucket?: string; '*'?: string } | undefined;
    const bucket = params?.bucket;
    const key = params?.['*'];
    if (!bucket) return payload;
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    if (request.method === 'POST' && !key && query.has('delete')) {
      for (const deleted of deletedKeys(request.body)) forget(dir, bucket, deleted);
    } else if (!key) {
      return payload;
    } else if (request.method === 'DELETE' && !query.has('uploadId')) {
      forget(dir, bucket, key);
    } else if (
      (request.method === 'PUT' && !query.has('partNumber')) ||
      (request.method === 'POST' && query.has('uploadId'))
    ) {
      await copy(app, dir, bucket, key);
    }
    return payload;
  });
}

async function copy(app: MirrorTarget, dir: string, bucket: string, key: string): Promise<void> {
  const stored = await app.inject({ method: 'GET', url: urlOf(bucket, key) });
  if (stored.statusCode !== 200) return;
  const header = (name: string) => {
    const value = stored.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(stored.headers)) {
    if (name.startsWith('x-amz-meta-') && typeof value === 'string') {
      metadata[name.slice('x-amz-meta-'.length)] = value;
    }
  }
  const contentType = header('content-type');
  const contentEncoding = header('content-encoding');
  const record: MirroredObject = {
    key,
    ...(contentType ? { contentType } : {}),
    ...(contentEncoding ? { contentEncoding } : {}),
    metadata,
  };
  mkdirSync(path.join(dir, bucket), { recursive: true });
  const file = fileOf(dir, bucket, key);
  writeAtomically(`${file}.body`, stored.rawPayload);
  writeAtomically(`${file}.json`, JSON.stringify(record));
}

/**
 * Puts every mirrored object back into fauxqs (creating its bucket), through fauxqs' own HTTP
 * routes in-process (marked, so {@link mirrorObjects} does not copy them back).
 *
 * @returns how many objects were restored
 * @throws Error naming the file, when a copy cannot be read or fauxqs refuses it
 */
export async function restoreObjects(app: MirrorTarget, dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  let restored = 0;
  for (const bucket of readdirSync(dir)) {
    const bucketDir = path.join(dir, bucket);
    const created = await app.inject({
      method: 'PUT',
      url: `/${encodeURIComponent(bucket)}`,
      headers: { [RESTORE_HEADER]: '1' },
    });
    if (created.statusCode >= 300)
      throw new Error(`Could not restore the bucket ${bucket}: ${created.statusCode}`);
    for (const name of readdirSync(bucketDir).filter((file) => file.endsWith('.json'))) {
      const file = path.join(bucketDir, name);
      let object: MirroredObject;
      let body: Buffer;
      try {
        object = JSON.parse(readFileSync(file, 'utf8')) as MirroredObject;
        body = readFileSync(file.replace(/\.json$/, '.body'));
      } catch (error) {
        throw new Error(`The stored S3 object ${file} cannot be read: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const headers: Record<string, string> = { [RESTORE_HEADER]: '1' };
      if (object.contentType) headers['content-type'] = object.contentType;
      if (object.contentEncoding) headers['content-encoding'] = object.contentEncoding;
      for (const [name, value] of Object.entries(object.metadata ?? {}))
        headers[`x-amz-meta-${name}`] = value;
      const put = await app.inject({ method: 'PUT', url: urlOf(bucket, object.key), headers, payload: body });
      if (put.statusCode !== 200) {
        throw new Error(`fauxqs refused the stored S3 object ${file}: ${put.statusCode}`);
      }
      restored += 1;
    }
  }
  return restored;
}
