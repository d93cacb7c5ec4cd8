/**
 * The names and URLs of a stage's SQS queues, derived from the stack name, the job names and
 * which job types have a high-priority lane. One naming for the stack (which names the queues),
 * the Lambdas (which derive the URLs from one fixed-size prefix instead of a map per job type in
 * their environment) and the local mode (which creates the same queues on the emulator).
 *
 * ```
 * <stackName>_<job>              <stackName>_<job>_dlq
 * <stackName>_<job>_high         <stackName>_<job>_high_dlq
 * ```
 * Stack names hold `[A-Za-z0-9-]` and job names `[a-z0-9-]`, never `_`, so every name splits one
 * way only: a job type named `echo-high` cannot meet `echo`'s high-priority lane.
 */
import type { JobSettings } from './core/job-settings';
import { highPriorityKey } from './runtime-env';

/** Joins the stack name, the job name and the lane and DLQ markers; neither name may hold it. */
export const QUEUE_NAME_SEPARATOR = '_';
/** SQS's longest queue name, characters. */
export const MAX_QUEUE_NAME_LENGTH = 80;

/** A job type's two lanes: the normal one always, the high-priority one when enabled. */
export type QueueLane = 'normal' | 'high';
/** The job queue of a lane, or its dead-letter queue. */
export type QueueKind = 'queue' | 'dlq';

/**
 * Job name -> whether the job type has a high-priority lane: all a function needs, with the
 * URL prefix, to address every queue of the stage.
 */
export type StageLanes = Readonly<Record<string, boolean>>;

/** Whether the stack gives a job type a high-priority lane (its queue, DLQ and event source). */
export function hasHighPriorityLane(settings: Pick<JobSettings, 'highPriorityMaxConcurrency'>): boolean {
  return settings.highPriorityMaxConcurrency > 0;
}

/** {@link StageLanes} of resolved job types (the stage config's, or a catalog's). */
export function lanesOf(
  jobs: Iterable<{
    readonly name: string;
    readonly settings: Pick<JobSettings, 'highPriorityMaxConcurrency'>;
  }>,
): Record<string, boolean> {
  return Object.fromEntries([...jobs].map((job) => [job.name, hasHighPriorityLane(job.settings)]));
}

/** What every queue name of a stage starts with: `<stackName>_`. */
export function queueNamePrefix(stackName: string): string {
  return `${stackName}${QUEUE_NAME_SEPARATOR}`;
}

/** What follows {@link queueNamePrefix}: `<job>`, `<job>_high`, `<job>_dlq` or `<job>_high_dlq`. */
export function queueNameSuffix(jobName: string, lane: QueueLane, kind: QueueKind): string {
  const parts = [jobName, ...(lane === 'high' ? ['high'] : []), ...(kind === 'dlq' ? ['dlq'] : [])];
  return parts.join(QUEUE_NAME_SEPARATOR);
}

/** The name of one of a stage's queues. */
export function queueName(stackName: string, jobName: string, lane: QueueLane, kind: QueueKind): string {
  return queueNamePrefix(stackName) + queueNameSuffix(jobName, lane, kind);
}

/** One queue of a stage, named. */
export interface NamedQueue {
  readonly jobName: string;
  readonly lane: QueueLane;
  readonly kind: QueueKind;
  readonly name: string;
}

/** Every queue of a stage: each job type's queue and DLQ, and its high-priority pair when enabled. */
export function stageQueues(stackName: string, lanes: StageLanes): NamedQueue[] {
  return Object.entries(lanes).flatMap(([jobName, high]) =>
    (high ? (['normal', 'high'] as const) : (['normal'] as const)).flatMap((lane) =>
      (['queue', 'dlq'] as const).map((kind) => ({
        jobName,
        lane,
        kind,
        name: queueName(stackName, jobName, lane, kind),
      })),
    ),
  );
}

/**
 * The URL prefix of a stage's queues on AWS: `https://sqs.<region>.<urlSuffix>/<account>/<stackName>_`,
 * the form of the URL CloudFormation returns for a queue. The stack passes tokens for the Region,
 * URL suffix and account, so the prefix stays one fixed-size value whatever the job types.
 */
export function sqsQueueUrlPrefix(parts: {
  readonly region: string;
  readonly urlSuffix: string;
  readonly account: string;
  readonly stackName: string;
}): string {
  return `https://sqs.${parts.region}.${parts.urlSuffix}/${parts.account}/${queueNamePrefix(parts.stackName)}`;
}

/** The URL of one queue, from the stage's URL prefix. */
export function queueUrl(urlPrefix: string, jobName: string, lane: QueueLane, kind: QueueKind): string {
  return urlPrefix + queueNameSuffix(jobName, lane, kind);
}

/**
 * Job name (and `<name>:high` for a high-priority lane) -> URL of that lane's queue or DLQ: the
 * maps the wiring takes (see {@link highPriorityKey}).
 */
export function laneUrlMap(urlPrefix: string, lanes: StageLanes, kind: QueueKind): Record<string, string> {
  return Object.fromEntries(
    Object.entries(lanes).flatMap(([name, high]) => [
      [name, queueUrl(urlPrefix, name, 'normal', kind)],
      ...(high ? [[highPriorityKey(name), queueUrl(urlPrefix, name, 'high', kind)] as const] : []),
    ]),
  );
}
