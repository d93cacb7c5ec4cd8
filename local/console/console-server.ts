/**
 * The local console: a small web page for people, served by the local API server at `/` (never
 * by the deployed stack). It reads and changes jobs through the public HTTP API, like any
 * client; the few JSON endpoints here (`/_console/api/*`) answer what that API does not: the
 * stage's job types, queue depths and the metrics panel's numbers.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ALL_STATUSES } from '../../lambdas/core/job-status';
import { DEFAULT_LOCAL_PRINCIPAL, LOCAL_PRINCIPAL_HEADER } from '../api-gateway-event';
import { LOCAL_AWS } from '../emulators/types';
import type { MetricsSnapshot, MetricsSource } from '../metrics/snapshot';
import type { Provisioned } from '../provision';
import { safeDecode } from '../safe-decode';
import { sendConsoleJson, sendConsoleProblem } from './console-headers';
import { type JobInputs, type JobInputsOptions, jobInputs } from './job-inputs';
import { readQueueDepths } from './queue-depths';
import { consoleAssets, STATIC_PREFIX, sendAsset } from './static-assets';

/** What the console needs from the local system. */
export interface ConsoleOptions {
  /** The stage's name (`config.stackName`), shown in the page's title. */
  readonly stage: string;
  /** The job types the system runs, in catalog order. */
  readonly jobTypes: readonly { readonly name: string; readonly description: string }[];
  readonly provisioned: Provisioned;
  /** The SQS emulator's endpoint: the console reads queue depths with a client of its own. */
  readonly sqsEndpoint: string;
  /** Where job inputs are stored (the job view shows them; the API does not return them). */
  readonly inputs: JobInputsOptions;
  /** The principal the console sends on admin calls (redrive). */
  readonly adminPrincipal: string;
  /**
   * Where the metrics panel's numbers come from, read on each request (the system may gain one
   * after the console starts); none answers an empty snapshot marked `enabled: false`.
   * @default no metrics
   */
  readonly metrics?: () => MetricsSource | undefined;
}

/** The console as the API server uses it. */
export interface LocalConsole {
  /** Answers `req` when it is the console's (`/`, `/_console/**`) and returns true; false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /** Releases the console's own SDK clients. */
  stop(): void;
}

/** What `GET /_console/api/info` returns. */
export interface ConsoleInfo {
  readonly stage: string;
  readonly jobTypes: readonly {
    readonly name: string;
    readonly description: string;
    readonly highPriority: boolean;
  }[];
  readonly statuses: readonly string[];
  /** The header that names the caller locally, and its default value. */
  readonly principalHeader: string;
  readonly defaultPrincipal: string;
  readonly adminPrincipal: string;
  readonly metrics: boolean;
}

/** What `GET /_console/api/metrics` returns: the snapshot, and whether metrics are on at all. */
export type ConsoleMetrics = MetricsSnapshot & { readonly enabled: boolean; readonly note?: string };

/** The window an empty snapshot claims when there is no metrics source. */
const EMPTY_WINDOW_MINUTES = 60;

/**
 * Builds the console.
 * @throws Error when swagger-ui-dist or uplot is missing from node_modules
 */
export function createConsole(options: ConsoleOptions): LocalConsole {
  const assets = consoleAssets();
  // Not a component's client: the console is no Lambda, so the call recorder never sees it.
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: options.sqsEndpoint, useQueueUrlAsEndpoint: false });
  const inputs = jobInputs(options.inputs);
  const info: ConsoleInfo = {
    stage: options.stage,
    jobTypes: options.jobTypes.map(({ name, description }) => ({
      name,
      description,
      highPriority: options.provisioned.queues[name]?.highPriority !== undefined,
    })),
    statuses: ALL_STATUSES,
    principalHeader: LOCAL_PRINCIPAL_HEADER,
    defaultPrincipal: DEFAULT_LOCAL_PRINCIPAL,
    adminPrincipal: options.adminPrincipal,
    metrics: options.metrics?.() !== undefined,
  };

  const routes: Readonly<Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>>> = {
    '/': (req, res) => sendAsset(req, res, assets.get('index.html') as string),
    '/_console/api/info': async (_req, res) =>
      sendConsoleJson(res, 200, { ...info, metrics: options.metrics?.() !== undefined }),
    '/_console/api/queues': async (_req, res) => {
      try {
        sendConsoleJson(res, 200, { lanes: await readQueueDepths(sqs, options.provisioned) });
      } catch (error) {
        sendConsoleProblem(
          res,
          503,
          'SERVICE_UNAVAILABLE',
          `The SQS emulator did not answer: ${(error as Error).message}`,
        );
      }
    },
    '/_console/api/metrics': async (_req, res) => sendConsoleJson(res, 200, metricsOf(options.metrics?.())),
  };

  return {
    async handle(req, res) {
      // The target as sent, never normalized: `/jobs/..` is the API's to answer, and console
      // paths are matched exactly (a dot segment matches nothing).
      const pathname = (req.url ?? '/').split('?')[0] as string;
      if (pathname !== '/' && !pathname.startsWith('/_console/')) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendConsoleProblem(res, 405, 'METHOD_NOT_ALLOWED', 'The console answers GET and HEAD only', {
          Allow: 'GET, HEAD',
        });
        return true;
      }
      const input = INPUT_PATH.exec(pathname);
      if (input) {
        await sendInput(req, res, inputs, safeDecode(input[1] as string));
        return true;
      }
      const route = routes[pathname];
      const asset = pathname.startsWith(STATIC_PREFIX)
        ? assets.get(pathname.slice(STATIC_PREFIX.length))
        : undefined;
      if (route) await route(req, res);
      else if (asset) await sendAsset(req, res, asset);
      else sendConsoleProblem(res, 404, 'ROUTE_NOT_FOUND', `The console has nothing at ${pathname}`);
      return true;
    },
    stop: () => {
      sqs.destroy();
      inputs.destroy();
    },
  };
}

/** `GET /_console/api/jobs/{id}/input`: one job's input, for its owner (named as the API names callers). */
const INPUT_PATH = /^\/_console\/api\/jobs\/([^/]+)\/input$/;

async function sendInput(req: IncomingMessage, res: ServerResponse, inputs: JobInputs, id: string) {
  const header = req.headers[LOCAL_PRINCIPAL_HEADER];
  const owner = (Array.isArray(header) ? header[0] : header)?.trim() || DEFAULT_LOCAL_PRINCIPAL;
  try {
    const found = await inputs.read(id, owner);
    if (found) sendConsoleJson(res, 200, found);
    else sendConsoleProblem(res, 404, 'JOB_NOT_FOUND', `No job ${id} of ${owner}`);
  } catch (error) {
    sendConsoleProblem(
      res,
      503,
      'SERVICE_UNAVAILABLE',
      `The job's input could not be read: ${(error as Error).message}`,
    );
  }
}

function metricsOf(source: MetricsSource | undefined): ConsoleMetrics {
  if (source) return { ...source.snapshot(), enabled: true };
  return {
    generatedAt: new Date().toISOString(),
    windowMinutes: EMPTY_WINDOW_MINUTES,
    buckets: [],
    enabled: false,
    note: 'Metrics are off: this local system has no metrics source.',
  };
}
