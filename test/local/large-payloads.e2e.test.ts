/**
 * Large payloads end to end on the local system: an input above the S3 threshold goes through
 * submit -> processor (echo returns it) -> GET as a presigned URL, byte for byte; a body above
 * the limit gets 413 and leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { localS3Client } from '../../local/emulators/s3';
import { loadLocalConfig } from '../../local/local-config';
import { useLocalSystem } from '../support/local-e2e';

const MAX_BODY_BYTES = 3_000_000;

/** The submit function's S3 client, the one that uploads inputs: a test counts its calls. */
let submitS3: S3Client | undefined;
const local = useLocalSystem(() => ({
  config: loadLocalConfig({ maxBodyBytes: MAX_BODY_BYTES }),
  clientsFor: (component, { sqs }) => {
    if (component !== 'submit') return undefined;
    submitS3 = localS3Client(sqs.endpoint);
    return { s3Client: submitS3 };
  },
}));
afterAll(() => submitS3?.destroy());

/** About `bytes` of JSON that gzip can barely shrink: random base64 in 1 KiB strings, plus numbers and text. */
function hardToCompress(bytes: number): Record<string, unknown> {
  const chunks: string[] = [];
  // 1,024 base64 characters, its quotes and a comma per chunk.
  for (let size = 0; size < bytes; size += 1_027) chunks.push(randomBytes(768).toString('base64'));
  return { chunks, numbers: [1e200, -0.5, 42], text: 'žluťoučký kůň ✓' };
}

async function objectKeys(prefix: string): Promise<string[]> {
  const { Contents = [] } = await local.system.sqs.s3Client.send(
    new ListObjectsV2Command({ Bucket: local.system.provisioned.payloadBucket, Prefix: prefix }),
  );
  return Contents.map((object) => object.Key ?? '');
}

async function storedItem(id: string): Promise<Record<string, unknown>> {
  const { Item } = await local.system.dynamodb.documentClient.send(
    new GetCommand({ TableName: local.system.provisioned.tableName, Key: { id } }),
  );
  return Item ?? {};
}

describe('large payloads, end to end', () => {
  it('round-trips a 2 MiB input through S3 and hands the result back as a presigned URL', async () => {
    const input = hardToCompress(2 * 1024 * 1024);
    const body = JSON.stringify(input);
    expect(body.length).toBeGreaterThan(2 * 1024 * 1024);

    const submitted = await local.client.request('POST', '/jobs/echo', {
      body,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(submitted.status).toBe(202);
    const id = String(submitted.body.id);
    const { job } = await local.client.waitFor(id);
    expect(job).toMatchObject({ status: 'Completed', error: null, result: null });

    const { body: view } = await local.client.get(id);
    const expiresAt = Date.parse(String(view.resultUrlExpiresAt));
    expect(expiresAt - Date.now()).toBeGreaterThan(5 * 60_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    const download = await fetch(String(view.resultUrl));
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/json');
    expect(await download.text()).toBe(body);

    // The item holds pointers; the objects are the content-addressed gzip copies.
    const item = await storedItem(id);
    expect(item.input).toMatchObject({
      key: expect.stringMatching(new RegExp(`^jobs/${id}/input\\.[0-9a-f]{64}\\.json\\.gz$`)),
    });
    expect(item.result).toMatchObject({ key: expect.stringMatching(/\/result\.[0-9a-f]{64}\.json\.gz$/) });
    expect((await objectKeys(`jobs/${id}/`)).sort()).toEqual(
      [(item.input as { key: string }).key, (item.result as { key: string }).key].sort(),
    );
  });

  it('keeps a compressible 100 KB input gzip-compressed in the item and its result inline', async () => {
    const input = {
      rows: Array.from({ length: 3_000 }, (_, i) => ({ id: i, name: `row ${i}`, ok: i % 2 === 0 })),
    };
    const { body } = await local.client.submit('echo', input);
    const id = String(body.id);
    const { job } = await local.client.waitFor(id);
    expect(job).toMatchObject({ status: 'Completed', result: input });
    expect((job as unknown as Record<string, unknown>).resultUrl).toBeUndefined();
    const item = await storedItem(id);
    expect(item.input).toBeInstanceOf(Uint8Array);
    expect(item.result).toBeInstanceOf(Uint8Array);
    expect(await objectKeys(`jobs/${id}/`)).toEqual([]);
  });

  it('uploads the input once for an idempotent replay', async () => {
    // Count input uploads on the submit function's S3 client.
    const s3 = submitS3;
    if (!s3) throw new Error('The submit function got no S3 client of this test');
    let puts = 0;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        // Inputs only: the processor uploads the echoed result too, whenever it gets there.
        const key = (args.input as { Key?: string }).Key ?? '';
        if (context.commandName === 'PutObjectCommand' && key.includes('/input.')) puts += 1;
        return next(args);
      },
      { step: 'initialize', name: 'countPuts' },
    );
    try {
      const input = hardToCompress(400 * 1024);
      const headers = { 'Idempotency-Key': '"large-replay"' };
      const first = await local.client.submit('echo', input, headers);
      expect(puts).toBe(1);
      const second = await local.client.submit('echo', input, headers);
      expect([first.status, second.status]).toEqual([202, 200]);
      expect(second.body.id).toBe(first.body.id);
      expect(puts).toBe(1);
      expect(await objectKeys(`jobs/${first.body.id}/input.`)).toHaveLength(1);
    } finally {
      s3.middlewareStack.remove('countPuts');
    }
  });

  it('answers 413 above maxBodyBytes and stores nothing', async () => {
    const count = async () =>
      (
        await local.system.dynamodb.documentClient.send(
          new ScanCommand({ TableName: local.system.provisioned.tableName, Select: 'COUNT' }),
        )
      ).Count;
    const [itemsBefore, objectsBefore] = [await count(), (await objectKeys('jobs/')).length];
    const body = JSON.stringify({ blob: 'x'.repeat(MAX_BODY_BYTES) });
    const reply = await local.client.request('POST', '/jobs/echo', {
      body,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
    expect(String(reply.body.detail)).toContain(String(MAX_BODY_BYTES));
    expect(await count()).toBe(itemsBefore);
    expect((await objectKeys('jobs/')).length).toBe(objectsBefore);
  });
});
