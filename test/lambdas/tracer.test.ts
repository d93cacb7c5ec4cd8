import * as http from 'node:http';
import * as https from 'node:https';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tracedHandler, traceJob, tracer } from '../../lambdas/tracer';
import { type XRaySegment, xraySdk } from '../support/xray-sdk';

afterEach(() => vi.unstubAllEnvs());

/** A Tracer that believes it runs in Lambda, and a root segment standing in for Lambda's facade. */
function enabledTracer() {
  vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'MyStack');
  vi.stubEnv('POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS', 'false');
  const t = new Tracer();
  const root = new xraySdk.Segment('invocation');
  // Nothing is sent: segments go to the daemon only when closed at the root, which never happens here.
  vi.spyOn(root, 'close').mockImplementation(() => {});
  return { t, root };
}

/** Runs `fn` in an X-Ray context whose current segment is `root`, as Lambda's runtime would. */
function inSegment<T>(root: XRaySegment, fn: () => Promise<T>): Promise<T> {
  return xraySdk.getNamespace().runAndReturn(() => {
    xraySdk.setSegment(root);
    return fn();
  });
}

describe('tracer outside Lambda (local mode, tests)', () => {
  it('is off, and its wrappers pass calls and results through untouched', async () => {
    expect(tracer.isTracingEnabled()).toBe(false);
    const handler = tracedHandler('submit', async (a: number, b: number) => a + b);
    expect(await handler(2, 3)).toBe(5);
    expect(await traceJob()('echo', 'id-1', async () => 'done')).toBe('done');
  });
});

describe("the functions' tracer in Lambda", () => {
  afterEach(() => vi.resetModules());

  it('is on, and leaves http, https and fetch unpatched: SDK clients are captured one by one', async () => {
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
    vi.resetModules();
    // A fresh copy of the module, built under Lambda's environment (a variable: tsc would ask
    // for a file extension on a literal dynamic import in this CommonJS project).
    const modulePath = '../../lambdas/tracer';
    const fresh = (await import(modulePath)) as { tracer: Tracer };
    expect(fresh.tracer.isTracingEnabled()).toBe(true);
    // The X-Ray SDK keeps the original of a patched module's request as `__request`.
    expect((http as unknown as { __request?: unknown }).__request).toBeUndefined();
    expect((https as unknown as { __request?: unknown }).__request).toBeUndefined();
  });
});

describe('tracer in Lambda', () => {
  it('records a presign as an S3 subsegment and leaves the URL as an untraced client signs it', async () => {
    const { t, root } = enabledTracer();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    const presign = (client: S3Client) =>
      getSignedUrl(client, new GetObjectCommand({ Bucket: 'payloads', Key: 'jobs/1' }), {
        expiresIn: 600,
        signingDate: new Date('2026-11-27T00:00:00Z'),
      });
    const plain = await presign(new S3Client({}));
    const traced = await inSegment(root, () => presign(t.captureAWSv3Client(new S3Client({}))));
    expect(traced).toBe(plain);
    expect(traced).not.toMatch(/trace/i);
    expect(root.subsegments?.map((s) => s.name)).toEqual(['S3']);
  });

  it("wraps the handler in a '## name' subsegment with the cold start and service annotations", async () => {
    const { t, root } = enabledTracer();
    const handler = tracedHandler('submit', async () => 'ok', t);
    expect(await inSegment(root, () => handler())).toBe('ok');
    const sub = root.subsegments?.[0];
    expect(sub?.name).toBe('## submit');
    expect(sub?.toJSON().annotations).toEqual({ ColdStart: expect.any(Boolean), Service: 'MyStack' });
    expect(sub?.isClosed()).toBe(true);
  });

  it('records a thrown error on the handler subsegment and rethrows it', async () => {
    const { t, root } = enabledTracer();
    const handler = tracedHandler('processor', async () => Promise.reject(new Error('boom')), t);
    await expect(inSegment(root, () => handler())).rejects.toThrow('boom');
    const sub = root.subsegments?.[0]?.toJSON();
    expect(sub?.name).toBe('## processor');
    expect(sub?.cause?.exceptions?.[0]?.message).toBe('boom');
  });

  it('gives each job its own subsegment annotated with its name and id, also when run in parallel', async () => {
    const { t, root } = enabledTracer();
    const run = traceJob(t);
    const results = await inSegment(root, () =>
      Promise.all([run('echo', 'id-1', async () => 1), run('echo', 'id-2', async () => 2)]),
    );
    expect(results).toEqual([1, 2]);
    const subs = root.subsegments ?? [];
    expect(subs.map((s) => [s.name, s.toJSON().annotations])).toEqual([
      ['### echo job', { jobName: 'echo', jobId: 'id-1' }],
      ['### echo job', { jobName: 'echo', jobId: 'id-2' }],
    ]);
  });
});
