import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { addPoints, jobMetricsEmitter, processorMetrics, submittedCounter } from '../../lambdas/job-metrics';
import { JOB_METRIC_UNITS, JobMetric } from '../../lambdas/metric-names';

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

describe('job metrics (EMF)', () => {
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

  it("publishes each of an emitter's points at once, each with its job name", () => {
    const emit = jobMetricsEmitter();
    emit('echo', [{ name: JobMetric.Canceled, value: 1 }]);
    emit('flaky', [
      { name: JobMetric.Failed, value: 1 },
      { name: JobMetric.EndToEndTime, value: 1200 },
    ]);
    const all = blobs();
    expect(all.map((b) => [b.JobName, b._aws.CloudWatchMetrics[0].Metrics[0]])).toEqual([
      ['echo', { Name: 'JobsCanceled', Unit: 'Count' }],
      ['flaky', { Name: 'JobsFailed', Unit: 'Count' }],
      ['flaky', { Name: 'JobEndToEndTime', Unit: 'Milliseconds' }],
    ]);
    for (const blob of all) expect(blob._aws.CloudWatchMetrics[0].Dimensions).toEqual(DASHBOARD_DIMENSIONS);
  });

  it("buffers a processor's points under the service and job name only, with each metric's unit", () => {
    const metrics = processorMetrics('flaky');
    addPoints(metrics, [
      { name: JobMetric.Started, value: 1 },
      { name: JobMetric.QueueWaitTime, value: 40 },
      { name: JobMetric.ProcessingTime, value: 12 },
      { name: JobMetric.Completed, value: 1 },
    ]);
    addPoints(metrics, [
      { name: JobMetric.Started, value: 1 },
      { name: JobMetric.ProcessingTime, value: 3 },
    ]);
    expect(output).toEqual([]);
    metrics.publishStoredMetrics();
    const [blob] = blobs();
    expect(blob._aws.CloudWatchMetrics[0].Dimensions).toEqual(DASHBOARD_DIMENSIONS);
    expect(blob).toMatchObject({
      service: 'MyStack',
      JobName: 'flaky',
      JobsStarted: [1, 1],
      JobQueueWaitTime: 40,
      JobProcessingTime: [12, 3],
      JobsCompleted: 1,
    });
    for (const { Name, Unit } of blob._aws.CloudWatchMetrics[0].Metrics)
      expect(Unit).toBe(JOB_METRIC_UNITS[Name as JobMetric]);
  });
});
