/**
 * fauxqs' S3 objects across restarts: two in-process fauxqs servers, one after the other, on
 * the same mirror folder, through the real S3 client.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { startSqs } from '../../../local/emulators/sqs';
import { deletedKeys } from '../../../local/state/s3-mirror';

const dir = mkdtempSync(path.join(tmpdir(), 's3-mirror-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const Bucket = 'payloads';

describe('S3 objects mirrored to a folder', () => {
  it('restores what was written (bytes, Content-Type, Content-Encoding, metadata), and not what was deleted', async () => {
    const json = JSON.stringify({ hello: 'world', list: [1, 2, 3] });
    const first = await startSqs({ objectsDir: dir });
    try {
      expect(first.restoredObjects).toBe(0);
      const s3 = first.s3Client;
      await s3.send(new CreateBucketCommand({ Bucket }));
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: 'jobs/a b/result.json.gz',
          Body: gzipSync(json),
          ContentType: 'application/json',
          ContentEncoding: 'gzip',
          Metadata: { sha256: 'abc' },
        }),
      );
      await s3.send(
        new PutObjectCommand({ Bucket, Key: 'jobs/plain', Body: 'text', ContentType: 'text/plain' }),
      );
      await s3.send(new CopyObjectCommand({ Bucket, Key: 'jobs/copy', CopySource: `${Bucket}/jobs/plain` }));
      await s3.send(new PutObjectCommand({ Bucket, Key: 'jobs/deleted-one', Body: 'x' }));
      await s3.send(new PutObjectCommand({ Bucket, Key: 'jobs/deleted-<&>', Body: 'y' }));
      await s3.send(new DeleteObjectCommand({ Bucket, Key: 'jobs/deleted-one' }));
      await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: [{ Key: 'jobs/deleted-<&>' }] } }));
    } finally {
      await first.stop();
    }
    // Three objects, each a body and its description; no temporary files left.
    expect(readdirSync(path.join(dir, Bucket)).sort()).toHaveLength(6);

    const second = await startSqs({ objectsDir: dir });
    try {
      expect(second.restoredObjects).toBe(3);
      const s3 = second.s3Client;
      const { Contents = [] } = await s3.send(new ListObjectsV2Command({ Bucket }));
      expect(Contents.map((o) => o.Key).sort()).toEqual([
        'jobs/a b/result.json.gz',
        'jobs/copy',
        'jobs/plain',
      ]);
      const gz = await s3.send(new GetObjectCommand({ Bucket, Key: 'jobs/a b/result.json.gz' }));
      expect(gz).toMatchObject({
        ContentType: 'application/json',
        ContentEncoding: 'gzip',
        Metadata: { sha256: 'abc' },
      });
      // The SDK does not decode; a browser or fetch would.
      expect(Buffer.from((await gz.Body?.transformToByteArray()) ?? [])).toEqual(gzipSync(json));
      const copy = await s3.send(new GetObjectCommand({ Bucket, Key: 'jobs/copy' }));
      expect(await copy.Body?.transformToString()).toBe('text');
    } finally {
      await second.stop();
    }
  });
});

describe('deletedKeys', () => {
  it('reads every Key of a DeleteObjects body, decoding XML entities', () => {
    const body = Buffer.from(
      '<Delete><Object><Key>a/b</Key></Object><Object><Key>x &amp; &lt;y&gt;</Key></Object><Quiet>true</Quiet></Delete>',
    );
    expect(deletedKeys(body)).toEqual(['a/b', 'x & <y>']);
    expect(deletedKeys(undefined)).toEqual([]);
  });
});
