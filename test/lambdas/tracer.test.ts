import { Tracer } from '@aws-lambda-powertools/tracer';
import AWSXRay from 'aws-xray-sdk-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tracedHandler, traceJob, tracer } from '../../lambdas/tracer';

afterEach(() => vi.unstubAllEnvs());

/** A Tracer that believes it runs in Lambda, and a root segment standing in for Lambda's facade. */
function enabledTracer() {
  vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'MyStack');
  vi.stubEnv('POWERTOOLS_TRACER_CAPTURE_HTTPS_REQUESTS', 'false');
  const t = new Tracer();
  const root = new AWSXRay.Segment('invocation');
  // Nothing is sent: segments go to the daemon only when closed at the root, which never happens here.
  vi.spyOn(root, 'close').mockImplementation(() => {});
  return { t, root };
}

/** Runs `fn` in an X-Ray context whose current segment is `root`, as Lambda's runtime would. */
function inSegment<T>(root: AWSXRay.Segment, fn: () => Promise<T>): Promise<T> {
  const ns = AWSXRay.getNamespace();
  return ns.runAndReturn(() => {
    AWSXRay.setSegment(root);
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

describe('tracer in Lambda', () => {
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
