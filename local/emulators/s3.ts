/**
 * S3 for the local mode: fauxqs serves S3 on the same endpoint as SQS (path-style URLs), so the
 * payload bucket and its presigned URLs work without another emulator.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_AWS } from './types';

/** An S3 client for fauxqs: path-style (`http://127.0.0.1:PORT/bucket/key`), so no DNS is needed. */
export function localS3Client(endpoint: string): S3Client {
  return new S3Client({ ...LOCAL_AWS, endpoint, forcePathStyle: true });
}

/** The hooks {@link keepContentEncoding} adds; a Fastify instance has them. */
interface HookTarget {
  addHook(
    name: 'onRequest',
    hook: (request: { method: string; url: string; headers: Record<string, unknown> }) => Promise<void>,
  ): unknown;
  addHook(
    name: 'onSend',
    hook: (
      request: { method: string; url: string },
      reply: { header(name: string, value: string): unknown; statusCode: number },
      payload: unknown,
    ) => Promise<unknown>,
  ): unknown;
}

/**
 * fauxqs 1.9.2 stores an object's Content-Type and `x-amz-meta-*` but drops its
 * Content-Encoding, so a presigned download of a gzip payload would arrive as raw gzip instead
 * of the JSON S3 serves (S3 returns the stored `Content-Encoding: gzip`, which HTTP clients
 * decode). This restores it: it remembers the Content-Encoding of every PutObject and sends it
 * back on GetObject and HeadObject of that key. Only the local emulator needs it.
 */
export function keepContentEncoding(app: HookTarget): void {
  const encodings = new Map<string, string>();
  const pathOf = (url: string) => url.split('?')[0] ?? url;
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'PUT') return;
    const encoding = request.headers['content-encoding'];
    const path = pathOf(request.url);
    // The SDK's own streaming framing is not the object's encoding.
    if (typeof encoding === 'string' && encoding !== 'aws-chunked') {
      encodings.set(path, encoding.replace(/,?\s*aws-chunked/, ''));
    } else encodings.delete(path);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
    const encoding = encodings.get(pathOf(request.url));
    if (encoding && reply.statusCode < 300) reply.header('content-encoding', encoding);
    return payload;
  });
}
