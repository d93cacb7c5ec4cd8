/**
 * A logger that adds the same keys to every line: what a Powertools child logger with appended
 * keys writes, without building one. `Logger.createChild()` constructs a Logger and a Node
 * `Console` each time; one per record was the largest part of the processor's own CPU per job.
 * A shared logger with `appendKeys` will not do either: records of a batch run in parallel.
 */
import type { JobLogger } from '../core/job-type';

/**
 * @example
 * const logger = withKeys(deps.logger, { jobId, jobName });
 * logger.info('Delivery handled', { outcome: 'completed' }); // jobId, jobName, outcome
 */
export function withKeys(logger: JobLogger, keys: Readonly<Record<string, unknown>>): JobLogger {
  // The line's own attributes come last, so they win over a key of the same name (as they
  // do over a child's appended keys).
  return {
    debug: (message, ...extra) => logger.debug(message, keys, ...extra),
    info: (message, ...extra) => logger.info(message, keys, ...extra),
    warn: (message, ...extra) => logger.warn(message, keys, ...extra),
    error: (message, ...extra) => logger.error(message, keys, ...extra),
  };
}
