/**
 * The payload adapters against real wire protocols: S3PayloadStore on fauxqs' S3, and the
 * DynamoDB job store with JobPayloads on dynalite, through the real SDK clients.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbJobStore } from '../../../lambdas/adapters/dynamodb-job-store';
import { INPUT_UNAVAILABLE, JobPayloads } from '../../../lambdas/adapters/job-payloads';
import { gzipJson, sha256Hex } from '../../../lambdas/adapters/payload-codec';
import { PayloadUnavailableError, S3PayloadStore } from '../../../lambdas/adapters/s3-payload-store';
import { StoredPayload } from '../../../lambdas/adapters/stored-payload';
import { JobAlreadyExistsError, PermanentJobError } from '../../../lambdas/core/errors';
import type { Job } from '../../../lambdas/core/job';
import { transition } from '../../../lambdas/core/transition';
import { startSqs } from '../../../local/emulators/sqs';
import type { SqsEmulator } from '../../../local/emulators/types';
import { createJobTable, useDynamoDb } from '../../support/dynamodb-local';
import { aJob, T0 } from '../../support/jobs';

const BUCKET = 'payloads-contract';
const dynalite = useDynamoDb('dynalite');
let fauxqs: SqsEmulator;
let objects: S3PayloadStore;
let puts = 0;

beforeAll(async () => {
  fauxqs = await startSqs();
  fauxqs.s3Client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'PutObjectCommand') puts += 1;
      return next(args);
    },
    { step: 'initialize', name: 'countPuts' },
  );
  await fauxqs.s3Client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  objects = new S3PayloadStore(fauxqs.s3Client, BUCKET);
});

afterAll(async () => {
  await fauxqs?.stop();
});

/** About `bytes` of JSON gzip barely shrinks. */
const noise = (bytes: number) => ({ noise: randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64') });
let ids = 0;
const nextId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

async function setup() {
  const tableName = await createJobTable(dynalite.current.client);
  const store = new DynamoDbJobStore(
    dynalite.current.documentClient,
    tableName,
    {},
    new JobPayloads({ objects }),
  );
  const rawItem = async (id: string) =>
    (await dynalite.current.documentClient.send(new GetCommand({ TableName: tableName, Key: { id } })))
      .Item ?? {};
  return { store, rawItem };
}

describe('S3PayloadStore on fauxqs', () => {
  it('stores an object and reads back the same bytes, checked against the SHA-256', async () => {
    const gzip = gzipJson('{"a":1}');
    const sha256 = sha256Hex(gzip);
    await objects.put('jobs/x/input.a.json.gz', gzip, sha256);
    const pointer = {
      bucket: BUCKET,
      key: 'jobs/x/input.a.json.gz',
      size: gzip.byteLength,
      jsonBytes: 7,
      sha256,
    };
    expect(Buffer.from(await objects.get(pointer)).equals(Buffer.from(gzip))).toBe(true);
  });

  it('refuses an object that does not match its pointer, and one that is gone', async () => {
    const gzip = gzipJson('{"b":2}');
    await objects.put('jobs/x/input.b.json.gz', gzip, sha256Hex(gzip));
    const pointer = {
      bucket: BUCKET,
      key: 'jobs/x/input.b.json.gz',
      size: 1,
      jsonBytes: 7,
      sha256: '0'.repeat(64),
    };
    await expect(objects.get(pointer)).rejects.toThrow(/does not match its SHA-256/);
    await expect(objects.get({ ...pointer, key: 'jobs/x/missing.json.gz' })).rejects.toBeInstanceOf(
      PayloadUnavailableError,
    );
  });

  it('presigns a GET that downloads the JSON with plain fetch, decoded from gzip', async () => {
    const json = JSON.stringify(noise(50_000));
    const gzip = gzipJson(json);
    await objects.put('jobs/x/result.c.json.gz', gzip, sha256Hex(gzip));
    const url = await objects.presign(
      {
        bucket: BUCKET,
        key: 'jobs/x/result.c.json.gz',
        size: gzip.byteLength,
        jsonBytes: json.length,
        sha256: '',
      },
      600,
    );
    expect(url).toContain('X-Amz-Expires=600');
    expect(url).toContain('X-Amz-Signature=');
    const response = await fetch(url);
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.text()).toBe(json);
  });

  it('treats 412 (an object already at the key) as stored, and passes other errors on', async () => {
    const client = new S3Client({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const mock = mockClient(client);
    const failure = (status: number, name: string) =>
      new S3ServiceException({
        name,
        $fault: 'client',
        $metadata: { httpStatusCode: status },
        message: name,
      });
    mock.on(PutObjectCommand).rejects(failure(412, 'PreconditionFailed'));
    await expect(
      new S3PayloadStore(client, BUCKET).put('k', new Uint8Array([1]), 'ab'),
    ).resolves.toBeUndefined();
    expect(mock.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      IfNoneMatch: '*',
      ContentEncoding: 'gzip',
      ContentType: 'application/json',
      ChecksumSHA256: Buffer.from('ab', 'hex').toString('base64'),
    });
    mock.on(PutObjectCommand).rejects(failure(403, 'AccessDenied'));
    await expect(new S3PayloadStore(client, BUCKET).put('k', new Uint8Array([1]), 'ab')).rejects.toThrow(
      'AccessDenied',
    );
    mock.restore();
  });
});

describe('DynamoDbJobStore with JobPayloads (dynalite + fauxqs S3)', () => {
  it('keeps small input as JSON text, compressible input as gzip, large input as an S3 pointer', async () => {
    const { store, rawItem } = await setup();
    const cases: [unknown, (attribute: unknown) => void][] = [
      [{ a: 1 }, (a) => expect(a).toBe('{"a":1}')],
      [{ rows: 'ab'.repeat(20_000) }, (a) => expect(a).toBeInstanceOf(Uint8Array)],
      [noise(400_000), (a) => expect(a).toMatchObject({ bucket: BUCKET, size: expect.any(Number) })],
    ];
    for (const [input, check] of cases) {
      const job = aJob({ id: nextId(), input });
      await store.create(job);
      check((await rawItem(job.id)).input);
      const read = (await store.get(job.id)) as Job;
      expect(await store.loadInput(read)).toEqual(input);
    }
  });

  it('writes the object before the item, keyed by job id and content hash, and never uploads it again', async () => {
    const { store, rawItem } = await setup();
    const input = noise(400_000);
    const job = aJob({ id: nextId(), input });
    const before = puts;
    await store.create(job);
    expect(puts - before).toBe(1);
    const pointer = (await rawItem(job.id)).input as { key: string; sha256: string };
    expect(pointer.key).toBe(`jobs/${job.id}/input.${pointer.sha256}.json.gz`);
    // Every later write carries the stored form through: claim, heartbeat, retry, fail.
    const claimed = await store.claim({
      id: job.id,
      leaseOwner: 'w',
      leaseExpiresAt: new Date(T0.getTime() + 60_000),
      now: T0,
    });
    if (!claimed.claimed) throw new Error('expected a claim');
    expect(claimed.job.input).toBeInstanceOf(StoredPayload);
    await store.update(transition(claimed.job, 'Failed', T0, { error: { code: 'E', message: 'm' } }));
    expect(puts - before).toBe(1);
    expect((await rawItem(job.id)).input).toEqual(pointer);
  });

  it('uploads nothing for a replay of a job an idempotency key created', async () => {
    const { store } = await setup();
    const job = aJob({ id: nextId(), input: noise(400_000), idempotencyKey: 'k' });
    await store.create(job);
    const before = puts;
    const error = await store.create(job).catch((e) => e);
    expect(error).toBeInstanceOf(JobAlreadyExistsError);
    expect(puts).toBe(before);
  });

  it('stores a large result in S3 and links to it; a small one stays inline', async () => {
    const { store, rawItem } = await setup();
    const payloads = new JobPayloads({ objects });
    const big = aJob({ id: nextId(), status: 'Completed', result: noise(300_000) });
    const small = aJob({ id: nextId(), status: 'Completed', result: { ok: true } });
    await store.create(big);
    await store.create(small);
    expect((await rawItem(big.id)).result).toMatchObject({
      key: expect.stringMatching(/\/result\.[0-9a-f]{64}\.json\.gz$/),
    });
    const bigRead = (await store.get(big.id)) as Job;
    const link = await payloads.resultLink(bigRead.result, T0);
    expect(link?.expiresAt).toBe(new Date(T0.getTime() + 600_000).toISOString());
    expect(JSON.parse(await (await fetch(String(link?.url))).text())).toEqual(big.result);
    const smallRead = (await store.get(small.id)) as Job;
    expect(smallRead.result).toEqual({ ok: true });
    expect(await payloads.resultLink(smallRead.result, T0)).toBeUndefined();
  });

  it('fails loading an input whose object is gone with a permanent INPUT_UNAVAILABLE error', async () => {
    const { store, rawItem } = await setup();
    const job = aJob({ id: nextId(), input: noise(400_000) });
    await store.create(job);
    const { key } = (await rawItem(job.id)).input as { key: string };
    await fauxqs.s3Client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    const error = await store.loadInput((await store.get(job.id)) as Job).catch((e: PermanentJobError) => e);
    expect(error).toBeInstanceOf(PermanentJobError);
    expect((error as PermanentJobError).code).toBe(INPUT_UNAVAILABLE);
  });

  it('refuses a payload that needs S3 when no bucket is configured, before writing anything', async () => {
    const tableName = await createJobTable(dynalite.current.client);
    const store = new DynamoDbJobStore(dynalite.current.documentClient, tableName);
    const job = aJob({ id: nextId(), input: noise(400_000) });
    await expect(store.create(job)).rejects.toThrow(/needs the payload bucket/);
    expect(await store.get(job.id)).toBeUndefined();
  });
});
