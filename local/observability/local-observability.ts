/**
 * The local system's logs and metrics: while it runs, EMF documents go to a metrics collector
 * (and leave the terminal, unless raw EMF is asked for) and log lines are made readable when
 * asked. Scoped to the local process; `stop()` restores the streams and the metrics switch.
 */
import { MetricsCollector } from '../metrics/collector';
import { currentFunction } from './function-scope';
import type { LogFormat } from './log-format';
import { routeOutput } from './output-router';
import { isLogDocument, prettyLogLine } from './pretty-log';

/** The local system's logs and metrics options (`LocalSystemOptions.observe`). */
export interface ObserveOptions {
  /**
   * Turns Powertools Metrics on for the local functions and collects their EMF documents into
   * `system.metrics` (the console's metrics panel). @default false
   */
  readonly collectMetrics?: boolean;
  /** Prints the EMF lines as well as collecting them. @default false */
  readonly rawEmf?: boolean;
  /** `pretty` rewrites each log line as one readable line. @default 'json' (as written) */
  readonly logFormat?: LogFormat;
  /** ANSI colour for the level in pretty lines. @default false */
  readonly colour?: boolean;
}

export interface Observability {
  /** The collector, when metrics are collected. */
  readonly metrics?: MetricsCollector;
  /** Restores stdout, stderr and POWERTOOLS_METRICS_DISABLED. Idempotent. */
  stop(): void;
}

const METRICS_DISABLED_ENV = 'POWERTOOLS_METRICS_DISABLED';
const INITIALIZATION_TYPE_ENV = 'AWS_LAMBDA_INITIALIZATION_TYPE';

/**
 * Starts routing output. Call it before the handlers are wired: Powertools Metrics reads
 * POWERTOOLS_METRICS_DISABLED when each `Metrics` is built.
 */
export function startObservability(options: ObserveOptions): Observability {
  // Lambda sets this in every on-demand environment. Powertools reports `cold_start: true` on a
  // function's first invocation only when it is set; without it every invocation says false.
  process.env[INITIALIZATION_TYPE_ENV] ??= 'on-demand';
  const metrics = options.collectMetrics ? new MetricsCollector() : undefined;
  const pretty = options.logFormat === 'pretty';
  if (!metrics && !pretty) return { stop: () => {} };
  const disabledBefore = process.env[METRICS_DISABLED_ENV];
  if (metrics) process.env[METRICS_DISABLED_ENV] = 'false';
  const restore = routeOutput({
    // With the collector on, every EMF line leaves the terminal (unless raw EMF is asked for).
    onEmf: (doc) => {
      if (!metrics) return false;
      metrics.record(doc);
      return !options.rawEmf;
    },
    onJson: (doc) =>
      pretty && isLogDocument(doc)
        ? prettyLogLine(doc, { functionName: currentFunction(), colour: options.colour ?? false })
        : undefined,
  });
  let stopped = false;
  return {
    ...(metrics ? { metrics } : {}),
    stop: () => {
      if (stopped) return;
      stopped = true;
      restore();
      if (!metrics) return;
      if (disabledBefore === undefined) delete process.env[METRICS_DISABLED_ENV];
      else process.env[METRICS_DISABLED_ENV] = disabledBefore;
    },
  };
}
