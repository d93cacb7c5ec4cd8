import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import { JobCatalog } from '../../../lambdas/core/catalog';
import { jobTypes } from '../../../lambdas/jobs/catalog';
import { type JobTracer, makeProcessorHandler } from '../../../lambdas/processor/process-batch';
import { FakeDelivery } from '../../support/fake-delivery';
import { aJob, ManualClock, sequentialIds } from '../../support/jobs';
import { lambdaContext, sqsEvent } from '../../support/sqs-events';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const message = (n: number, name = 'flaky') => JSON.stringify({ id: id(n), name });

async function setup(options: { traceJob?: JobTracer } = {}) {
  const store = new InMemoryJobStore();
  await store.create(aJob({ id: id(1), name: 'flaky', input: { failTimes: 0 } }));
  await store.create(aJob({ id: id(2), name: 'flaky', input: { failTimes: 1 } }));
  await store.create(aJob({ id: id(3), name: 'flaky', input: { failTimes: 0 }, status: 'Completed' }));
  const deliveries = new Map<string, FakeDelivery>();
  const metrics = new Metrics({ namespace: 'Test' });
  const handler = makeProcessorHandler({
    catalog: new JobCatalog(jobTypes),
    jobName: 'flaky',
    store,
    clock: new ManualClock(),
    ids: sequentialIds(),
    retentionSeconds: 86_400,
    logger: new Logger(),
    metrics,
    ...options,
    deliveryFor: (record, jobId) => {
      const delivery = new FakeDelivery(jobId);
      deliveries.set(record.messageId, delivery);
      return delivery;
    },
  });
  return { handler, store, deliveries, metrics };
}

describe('processor handler', () => {
  it('reports only the records to redeliver as batch item failures', async () => {
    const { handler, store } = await setup();
    const event = sqsEvent(message(1), message(2), message(3));
    const response = await handler(event, lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]?.messageId }]);
    expect((await store.get(id(1)))?.status).toBe('Completed');
    expect((await store.get(id(2)))?.status).toBe('Scheduled');
  });

  it('does not throw when every record is released, so the event source does not back off', async () => {
    const { handler } = await setup();
    const event = sqsEvent(message(2));
    const response = await handler(event, lambdaContext());
    expect(response.batchItemFailures).toHaveLength(1);
  });

  it('dead-letters a malformed message and acknowledges it', async () => {
    const { handler, deliveries } = await setup();
    const event = sqsEvent('not json', '{"id":""}');
    const response = await handler(event, lambdaContext());
    expect(response.batchItemFailures).toEqual([]);
    for (const record of event.Records) {
      expect(deliveries.get(record.messageId)?.deadLetters[0]?.code).toBe('MALFORMED_MESSAGE');
    }
  });

  it('redelivers a record whose processing threw (e.g. DynamoDB unavailable)', async () => {
    const { handler, store } = await setup();
    store.claim = () => Promise.reject(new Error('ProvisionedThroughputExceededException'));
    const event = sqsEvent(message(1));
    const response = await handler(event, lambdaContext());
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.messageId }]);
  });

  it('brings a failed delivery back after a short, growing pause, not the visibility timeout', async () => {
    const { handler, store, deliveries } = await setup();
    store.claim = () => Promise.reject(new Error('ProvisionedThroughputExceededException'));
    const first = sqsEvent(message(1));
    await handler(first, lambdaContext());
    const third = sqsEvent(message(1));
    for (const record of third.Records) record.attributes.ApproximateReceiveCount = '3';
    await handler(third, lambdaContext());
    const many = sqsEvent(message(1));
    for (const record of many.Records) record.attributes.ApproximateReceiveCount = '40';
    await handler(many, lambdaContext());
    const pauses = [first, third, many].map(
      (event) => deliveries.get(event.Records[0]?.messageId ?? '')?.visibilityChanges,
    );
    expect(pauses).toEqual([[2], [8], [60]]);
  });

  it('gives the handler a deadline inside the invocation', async () => {
    const { handler, store } = await setup();
    await store.create(aJob({ id: id(9), name: 'flaky', input: { failTimes: 0 } }));
    // 1.5 s left: 1 s is kept back to record the outcome, so the job still completes.
    const response = await handler(sqsEvent(message(9)), lambdaContext(1_500));
    expect(response.batchItemFailures).toEqual([]);
    expect((await store.get(id(9)))?.status).toBe('Completed');
  });
});

describe('processor handler, concurrent invocations', () => {
  it("keeps each invocation's batch item failures to its own batch", async () => {
    const { handler } = await setup();
    const a = sqsEvent(message(2));
    const b = sqsEvent(message(1));
    const [ra, rb] = await Promise.all([handler(a, lambdaContext()), handler(b, lambdaContext())]);
    expect(ra.batchItemFailures).toEqual([{ itemIdentifier: a.Records[0]?.messageId }]);
    expect(rb.batchItemFailures).toEqual([]);
  });

  it("records a batch's job metrics and publishes them once, at the end of the batch", async () => {
    const { handler, metrics } = await setup();
    const added: [string, number][] = [];
    vi.spyOn(metrics, 'addMetric').mockImplementation((name, _unit, value) => {
      added.push([name, value]);
      return metrics;
    });
    const publish = vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    vi.spyOn(metrics, 'hasStoredMetrics').mockImplementation(() => added.length > 0);
    await handler(sqsEvent(message(1), message(2), message(3), 'not json'), lambdaContext());
    const counts = (name: string) => added.filter(([n]) => n === name).length;
    // Jobs 1 and 2 were claimed (3 had finished: skipped, nothing recorded).
    expect(counts('JobsStarted')).toBe(2);
    expect(counts('JobQueueWaitTime')).toBe(2);
    expect(counts('JobProcessingTime')).toBe(2);
    expect(counts('JobsCompleted')).toBe(1);
    expect(counts('JobEndToEndTime')).toBe(1);
    expect(counts('JobsRetried')).toBe(1);
    expect(counts('JobsDeadLettered')).toBe(1); // the malformed message
    expect(counts('JobsFailed')).toBe(0);
    expect(publish).toHaveBeenCalledTimes(1);
  });

  it('runs each job message in its own trace subsegment, named for its job', async () => {
    const traced: [string, string][] = [];
    const traceJob: JobTracer = (jobName, jobId, fn) => {
      traced.push([jobName, jobId]);
      return fn();
    };
    const { handler, store } = await setup({ traceJob });
    await handler(sqsEvent(message(1), message(2)), lambdaContext());
    expect(traced.sort()).toEqual([
      ['flaky', id(1)],
      ['flaky', id(2)],
    ]);
    expect((await store.get(id(1)))?.status).toBe('Completed');
  });
});
