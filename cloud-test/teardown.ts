/**
 * Destroys the smoke stage: waits for CloudFormation to settle, deletes what the checks created
 * outside the stack, empties every bucket of the stack (payload and access-log buckets, versioned
 * or not), then deletes the stack. Late S3 access-log deliveries can refill a log bucket after it
 * was emptied, so a failed delete empties the buckets again and retries.
 */
import { DeleteQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from './aws-clients';
import { emptyBucket } from './empty-bucket';
import type { SmokeStage } from './smoke-stage';
import {
  listStackResources,
  physicalIdsOf,
  type SettleOptions,
  waitForStackToSettle,
} from './stack-resources';
import type { Toolkit } from './toolkit';

/** The probe queue the alarm-delivery check creates for `stackName`. */
export function probeQueueName(stackName: string): string {
  return `${stackName}_alarm_probe`;
}

/** The command that finishes a teardown by hand (the smoke test's own teardown mode). */
export function teardownCommand(stage: Pick<SmokeStage, 'stackName' | 'region'>): string {
  return `npm run test:cloud -- --teardown ${stage.stackName} --region ${stage.region}`;
}

/** What {@link tearDown} needs. */
export interface TeardownOptions {
  readonly clients: Pick<AwsClients, 'cloudFormation' | 's3' | 'sqs'>;
  readonly toolkit: Toolkit;
  readonly stage: SmokeStage;
  /** The payload bucket from the stack outputs, if the deploy got that far. */
  readonly payloadBucket?: string;
  /** Progress lines. */
  readonly log: (line: string) => void;
  /** Delete attempts. @default 3 */
  readonly attempts?: number;
  readonly settle?: SettleOptions;
}

/**
 * @returns a one-line account of what was deleted
 * @throws Error with the last failure when the stack still exists after every attempt
 */
export async function tearDown(options: TeardownOptions): Promise<string> {
  const { clients, stage, log } = options;
  const status = await waitForStackToSettle(clients.cloudFormation, stage.stackName, options.settle);
  await deleteProbeQueue(clients, stage.stackName, log);
  if (status === undefined && options.payloadBucket === undefined)
    return `stack ${stage.stackName} did not exist`;
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const resources = await listStackResources(clients.cloudFormation, stage.stackName);
    const buckets = new Set([
      ...(options.payloadBucket ? [options.payloadBucket] : []),
      ...physicalIdsOf(resources, 'AWS::S3::Bucket'),
    ]);
    for (const bucket of buckets) {
      const deleted = await emptyBucket(clients.s3, bucket);
      log(`  emptied bucket ${bucket} (${deleted} object version${deleted === 1 ? '' : 's'})`);
    }
    try {
      await options.toolkit.destroy(stage);
      return `stack ${stage.stackName} deleted${buckets.size ? ` after emptying ${buckets.size} bucket(s)` : ''}`;
    } catch (error) {
      if (attempt >= attempts) throw error;
      log(`  delete attempt ${attempt} failed; emptying the buckets again and retrying`);
    }
  }
}

/** Deletes the alarm check's probe queue if that check was cut short before its own cleanup. */
async function deleteProbeQueue(
  clients: Pick<AwsClients, 'sqs'>,
  stackName: string,
  log: (line: string) => void,
): Promise<void> {
  const name = probeQueueName(stackName);
  try {
    const { QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    await clients.sqs.send(new DeleteQueueCommand({ QueueUrl }));
    log(`  deleted the leftover probe queue ${name}`);
  } catch (error) {
    if (!/QueueDoesNotExist|NonExistentQueue/.test((error as Error).name)) throw error;
  }
}
