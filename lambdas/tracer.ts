/**
 * Powertools Tracer (AWS X-Ray), one per cold start, shared by the SDK clients and the Lambda
 * entries. It turns itself off outside Lambda (no `AWS_EXECUTION_ENV`) and when
 * `POWERTOOLS_TRACE_ENABLED=false`, so the local mode and the tests never look for a daemon;
 * every helper here is then a pass-through.
 *
 * Traces cross the queue without code: with active tracing, Lambda carries the trace header of
 * the submit call on the SQS message (`AWSTraceHeader`) and links the processor's trace to it.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { JobTracer } from './processor/process-batch';

/**
 * Service name and switches come from POWERTOOLS_* variables the stack sets. HTTP(S) and fetch
 * are not patched: every AWS SDK client is captured explicitly (one subsegment per call), and
 * patching would add a second, HTTP-level subsegment to each of those calls and no other call
 * (the functions make no other HTTP requests).
 */
export const tracer = new Tracer({ captureHTTPsRequests: false });

/**
 * Wraps a Lambda handler in a `## <handler>` subsegment of the invocation's segment, annotated
 * with `ColdStart` and `Service`; an error is added to it and rethrown. Responses are not
 * recorded: they hold job inputs and results, which do not belong in traces.
 *
 * @example
 * export const handler = tracedHandler('submit', wireSubmitHandler(wiring));
 */
export function tracedHandler<A extends unknown[], R>(
  name: string,
  handler: (...args: A) => Promise<R>,
  t: Tracer = tracer,
): (...args: A) => Promise<R> {
  return async (...args: A): Promise<R> => {
    const segment = t.isTracingEnabled() ? t.getSegment() : undefined;
    if (!segment) return handler(...args);
    const subsegment = segment.addNewSubsegment(`## ${name}`);
    t.setSegment(subsegment);
    t.annotateColdStart();
    t.addServiceNameAnnotation();
    try {
      return await handler(...args);
    } catch (error) {
      t.addErrorAsMetadata(error as Error);
      throw error;
    } finally {
      subsegment.close();
      t.setSegment(segment);
    }
  };
}

/**
 * Runs one delivery in a `### <jobName> job` subsegment annotated with `jobName` and `jobId`
 * (searchable: `annotation.jobId = "..."`). Records of a batch run in parallel, so each gets its
 * own context (`captureAsyncFunc`) rather than switching the one current segment.
 */
export function traceJob(t: Tracer = tracer): JobTracer {
  return <T>(jobName: string, jobId: string, fn: () => Promise<T>): Promise<T> => {
    if (!t.isTracingEnabled()) return fn();
    // The provider's signature returns unknown; it returns what the callback returns.
    return t.provider.captureAsyncFunc(`### ${jobName} job`, async (subsegment) => {
      subsegment?.addAnnotation('jobName', jobName);
      subsegment?.addAnnotation('jobId', jobId);
      try {
        return await fn();
      } catch (error) {
        subsegment?.addError(error as Error);
        throw error;
      } finally {
        subsegment?.close();
      }
    }) as Promise<T>;
  };
}
