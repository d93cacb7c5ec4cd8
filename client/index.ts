/**
 * The typed client of the job API.
 *
 * @example
 * import { JobsClient } from 'async-endpoints/client';
 * const client = new JobsClient({ url: process.env.ASYNC_ENDPOINTS_URL ?? 'http://localhost:3000' });
 * const job = await client.wait(await client.submit('echo', { hello: 'world' }));
 */
export { JobsApiError, JobWaitTimeoutError, type Problem } from './errors';
export type {
  CatalogJobTypes,
  Job,
  JobInput,
  JobName,
  JobNameOf,
  JobOf,
  JobResult,
  JobSummaryOf,
  JobTypeMap,
  UntypedJobTypes,
} from './job-types';
export {
  type JobPage,
  JobsClient,
  type JobsClientOptions,
  type ListQuery,
  type RedriveOptions,
  type SubmitOptions,
  type WaitOptions,
} from './jobs-client';
export { type BackoffOptions, backoffDelayMs, retryAfterMs } from './polling';
export {
  isLoopback,
  localAuthenticator,
  type OutgoingRequest,
  type RequestAuthenticator,
  regionFromUrl,
  type SigV4Options,
  sigV4Authenticator,
} from './signing';
