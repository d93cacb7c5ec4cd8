/**
 * The processor of one job type: an SQS event source with ReportBatchItemFailures. Each record
 * is one delivery of one job; Powertools' BatchProcessor runs them in parallel and reports the
 * ones to redeliver.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { decodeJobMessage } from '../adapters/job-message';
import type { Job } from '../core/job';
import type { Delivery } from '../core/ports';
import { type ProcessJobDeps, type ProcessOutcome, processJob } from '../core/use-cases/process-job';
import { claimedPoints, malformedPoints, outcomePoints } from '../job-metric-points';
import { addPoints } from '../job-metrics';
import { infrastructureRetrySeconds, LEASE_MARGIN_MS, outcomeReserveMs } from './deadline';
import { withKeys } from './keyed-logger';

export interface ProcessorHandlerDeps extends Omit<ProcessJobDeps, 'logger'> {
  readonly jobName: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Control over one record's message: visibility and dead-lettering. */
  readonly deliveryFor: (record: SQSRecord, jobId: string) => Delivery;
  /**
   * Runs one delivery inside its trace subsegment, annotated with the job's name and id.
   * @default - no tracing: runs it as is
   */
  readonly traceJob?: JobTracer;
}

/** Runs `fn` as the processing of one job (see `traceJob` in `lambdas/tracer.ts`). */
export type JobTracer = <T>(jobName: string, jobId: string, fn: () => Promise<T>) => Promise<T>;

const untraced: JobTracer = (_jobName, _jobId, fn) => fn();

/** Thrown for a record that must be delivered again later; BatchProcessor reports it. */
export class RedeliverLater extends Error {
  constructor(reason: string) {
    super(`Redeliver later: ${reason}`);
    this.name = 'RedeliverLater';
  }
}

export function makeProcessorHandler(deps: ProcessorHandlerDeps) {
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    // One per invocation: a BatchProcessor holds the batch's state, and the local mode runs
    // several invocations of one handler at once (Lambda never does, but it costs nothing).
    const processor = new BatchProcessor(EventType.SQS);
    deps.logger.addContext(context);
    const remaining = context.getRemainingTimeInMillis();
    const start = deps.clock.now().getTime();
    const deadlineAt = start + remaining - outcomeReserveMs(remaining);
    const leaseMs = remaining + LEASE_MARGIN_MS;
    const traceJob = deps.traceJob ?? untraced;
    const onClaimed = (claimed: Job) => addPoints(deps.metrics, claimedPoints(claimed));

    const handleRecord = async (record: SQSRecord): Promise<void> => {
      const message = decodeJobMessage(record.body);
      if (!message) {
        deps.logger.error('Malformed job message; dead-lettering it', { messageId: record.messageId });
        await deps.deliveryFor(record, '-').deadLetter({
          code: 'MALFORMED_MESSAGE',
          message: 'The message is not a job message',
        });
        addPoints(deps.metrics, malformedPoints());
        return;
      }
      const logger = withKeys(deps.logger, { jobId: message.id, jobName: message.name });
      const began = deps.clock.now().getTime();
      const delivery = deps.deliveryFor(record, message.id);
      let outcome: ProcessOutcome;
      try {
        outcome = await traceJob(message.name, message.id, () =>
          processJob(
            { ...deps, logger, onClaimed },
            { delivery, jobName: deps.jobName, deadlineAt, leaseMs },
          ),
        );
      } catch (error) {
        // DynamoDB or SQS failed (throttling, an outage). Bring the message back after a short,
        // growing pause instead of the queue's visibility timeout (6x the function timeout).
        const seconds = infrastructureRetrySeconds(record);
        logger.error('Delivery failed; it will be retried', { error, retryInSeconds: seconds });
        await delivery.retryAfter(seconds).catch(() => {});
        throw error;
      }
      addPoints(deps.metrics, outcomePoints(outcome, deps.clock.now().getTime() - began));
      logger.info('Delivery handled', {
        outcome: outcome.kind,
        ...(outcome.kind === 'skipped' ? { reason: outcome.reason } : {}),
      });
      if (!outcome.ack) throw new RedeliverLater(outcome.kind === 'skipped' ? outcome.reason : outcome.kind);
    };

    try {
      // A batch whose every record is released (e.g. all retries scheduled) is normal operation
      // here, not a function error: throwing would make the event source scale down.
      return await processPartialResponse(event, handleRecord, processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    } finally {
      // A batch of only skipped deliveries records nothing; publishing then would log a warning.
      if (deps.metrics.hasStoredMetrics()) deps.metrics.publishStoredMetrics();
    }
  };
}
