import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { processorMetrics, submittedCounter } from '../../lambdas/job-metrics';
import { recordOutcome } from '../../lambdas/processor/outcome-metrics';
import { aJob } from '../support/jobs';

// The dashboard's widgets match these dimensions exactly; any other dimension hides the data.
const DASHBOARD_DIMENSIONS = [['service', 'JobName']];

let output: string[];
beforeEach(() => {
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'MyStack');
  output = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    output.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const blobs = () =>
  output
    .flatMap((line) => line.split('\n'))
    .filter((l) => l.includes('_aws'))
    .map((l) => JSON.parse(l));

describe('job metrics', () => {
  it('counts a submission under the service and job name only', () => {
    submittedCounter()('echo');
    const [blob] = blobs();
    expect(blob._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'AsyncEndpoints',
      Dimensions: DASHBOARD_DIMENSIONS,
      Metrics: [{ Name: 'JobsSubmitted', Unit: 'Count' }],
    });
    expect(blob).toMatchObject({ service: 'MyStack', JobName: 'echo', JobsSubmitted: 1 });
  });

  it('records processor outcomes under the service and job name only', () => {
    const metrics = processorMetrics('flaky');
    recordOutcome(metrics, { kind: 'completed', job: aJob(), ack: true }, 12);
    recordOutcome(metrics, { kind: 'failed', job: aJob(), ack: true }, 3);
    recordOutcome(metrics, { kind: 'canceled', job: aJob(), ack: true }, 5);
    metrics.publishStoredMetrics();
    const [blob] = blobs();
    expect(blob._aws.CloudWatchMetrics[0].Dimensions).toEqual(DASHBOARD_DIMENSIONS);
    expect(blob).toMatchObject({
      service: 'MyStack',
      JobName: 'flaky',
      JobsStarted: [1, 1, 1],
      JobsCompleted: 1,
      JobsFailed: 1,
      JobsDeadLettered: 1,
      JobsCanceled: 1,
      JobProcessingTime: [12, 3, 5],
    });
  });

  it('records nothing for a skipped delivery', () => {
    const metrics = processorMetrics('flaky');
    recordOutcome(metrics, { kind: 'skipped', reason: 'finished', ack: true }, 1);
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});
