/**
 * Stand-ins for everything the smoke test talks to: AWS through aws-sdk-client-mock (a small
 * account holding one deployed stage), a toolkit and a preflight runner that record what they are
 * asked, and a signal source a test fires by hand. Every call lands in one `events` list, so a
 * test can assert the order of the steps.
 */
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetDashboardCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type { CommandRunner } from '../../cloud-test/command-runner';
import type { InterruptSignal, SignalSource } from '../../cloud-test/signals';
import type { StackOutputs, Toolkit } from '../../cloud-test/toolkit';

export const REGION = 'eu-west-1';
export const ACCOUNT = '123456789012';
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:alarms`;
export const ALARM = 'Smoke-fail-dlq-messages';
export const PAYLOAD_BUCKET = 'smoke-payloads';
export const LOG_BUCKET = 'smoke-access-logs';

/** The outputs of the fake stage. */
export const OUTPUT_VALUES: StackOutputs = {
  ApiUrl: `https://abc123.execute-api.${REGION}.amazonaws.com/prod/`,
  PayloadBucketName: PAYLOAD_BUCKET,
  DashboardName: 'Smoke',
  AlarmTopicArn: TOPIC_ARN,
};

/** An SNS notification of `alarmName` entering `state`, as an SQS subscriber receives it. */
export function alarmNotification(alarmName: string, state = 'ALARM'): string {
  return JSON.stringify({
    Type: 'Notification',
    TopicArn: TOPIC_ARN,
    Message: JSON.stringify({ AlarmName: alarmName, NewStateValue: state, OldStateValue: 'OK' }),
  });
}

/** A signal source the test fires by hand: no real signal reaches the test runner. */
export function manualSignals(): SignalSource & { fire(signal: InterruptSignal): void } {
  const listeners = new Set<(signal: InterruptSignal) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire(signal) {
      for (const listener of [...listeners]) listener(signal);
    },
  };
}

/** The mocked AWS account: one stage with two buckets (one versioned), two alarms, a dashboard. */
export function mockAws(events: string[]) {
  const sts = mockClient(STSClient);
  const cloudFormation = mockClient(CloudFormationClient);
  const cloudWatch = mockClient(CloudWatchClient);
  const sns = mockClient(SNSClient);
  const sqs = mockClient(SQSClient);
  const s3 = mockClient(S3Client);
  // Bucket -> its object versions and delete markers.
  const buckets = new Map<string, { Key: string; VersionId: string; marker?: boolean }[]>([
    [PAYLOAD_BUCKET, [{ Key: 'jobs/1/input.gz', VersionId: 'null' }]],
    [
      LOG_BUCKET,
      [
        { Key: 'logs/a', VersionId: 'v1' },
        { Key: 'logs/a', VersionId: 'v2' },
        { Key: 'logs/a', VersionId: 'm1', marker: true },
      ],
    ],
  ]);

  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/dev` });
  cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [{ StackName: 'stage', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date() }],
  });
  cloudFormation.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      ...[PAYLOAD_BUCKET, LOG_BUCKET].map((name) => ({
        ResourceType: 'AWS::S3::Bucket',
        PhysicalResourceId: name,
      })),
      ...['Smoke-api-5xx', ALARM].map((name) => ({
        ResourceType: 'AWS::CloudWatch::Alarm',
        PhysicalResourceId: name,
      })),
    ].map((r) => ({
      ...r,
      LogicalResourceId: r.PhysicalResourceId,
      ResourceStatus: 'CREATE_COMPLETE',
      LastUpdatedTimestamp: new Date(),
    })),
  });
  cloudWatch.on(DescribeAlarmsCommand).resolves({
    MetricAlarms: [
      { AlarmName: 'Smoke-api-5xx', StateValue: 'ALARM', AlarmActions: [TOPIC_ARN] },
      { AlarmName: ALARM, StateValue: 'INSUFFICIENT_DATA', AlarmActions: [TOPIC_ARN] },
    ],
  });
  cloudWatch.on(SetAlarmStateCommand).callsFake((input: { AlarmName: string; StateValue: string }) => {
    events.push(`set ${input.AlarmName} ${input.StateValue}`);
    return {};
  });
  cloudWatch.on(DescribeAlarmHistoryCommand).resolves({ AlarmHistoryItems: [] });
  cloudWatch.on(GetDashboardCommand).callsFake(() => {
    events.push('get dashboard');
    return { DashboardName: 'Smoke', DashboardBody: JSON.stringify({ widgets: [{}, {}] }) };
  });
  sns.on(SubscribeCommand).callsFake(() => {
    events.push('subscribe');
    return { SubscriptionArn: `${TOPIC_ARN}:sub-1` };
  });
  sns.on(UnsubscribeCommand).callsFake(() => {
    events.push('unsubscribe');
    return {};
  });
  sqs.on(CreateQueueCommand).callsFake((input: { QueueName: string }) => {
    events.push(`create queue ${input.QueueName}`);
    return { QueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${input.QueueName}` };
  });
  sqs
    .on(GetQueueAttributesCommand)
    .resolves({ Attributes: { QueueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:probe` } });
  sqs.on(SetQueueAttributesCommand).resolves({});
  sqs.on(ReceiveMessageCommand).resolves({ Messages: [{ Body: alarmNotification(ALARM) }] });
  sqs.on(DeleteQueueCommand).callsFake(() => {
    events.push('delete queue');
    return {};
  });
  sqs.on(GetQueueUrlCommand).rejects(new QueueDoesNotExist({ message: 'no such queue', $metadata: {} }));
  s3.on(ListObjectVersionsCommand).callsFake((input: { Bucket: string }) => {
    const entries = buckets.get(input.Bucket) ?? [];
    return {
      Versions: entries.filter((e) => !e.marker).map(({ Key, VersionId }) => ({ Key, VersionId })),
      DeleteMarkers: entries.filter((e) => e.marker).map(({ Key, VersionId }) => ({ Key, VersionId })),
    };
  });
  s3.on(DeleteObjectsCommand).callsFake(
    (input: { Bucket: string; Delete: { Objects: { Key: string; VersionId?: string }[] } }) => {
      events.push(`empty ${input.Bucket} (${input.Delete.Objects.length})`);
      const gone = new Set(input.Delete.Objects.map((o) => `${o.Key}@${o.VersionId}`));
      buckets.set(
        input.Bucket,
        (buckets.get(input.Bucket) ?? []).filter((e) => !gone.has(`${e.Key}@${e.VersionId}`)),
      );
      return {};
    },
  );
  return {
    sts,
    cloudFormation,
    cloudWatch,
    sns,
    sqs,
    s3,
    buckets,
    restore() {
      for (const mock of [sts, cloudFormation, cloudWatch, sns, sqs, s3]) mock.restore();
    },
  };
}

/** A toolkit that records deploys and destroys; `deploy`/`destroy` overrides change their behaviour. */
export function recordingToolkit(
  events: string[],
  overrides: Partial<Toolkit> = {},
): Toolkit & { destroys: number } {
  const toolkit = {
    destroys: 0,
    async deploy(stage: Parameters<Toolkit['deploy']>[0], signal?: AbortSignal) {
      events.push(`deploy ${stage.stackName}`);
      return overrides.deploy ? overrides.deploy(stage, signal) : OUTPUT_VALUES;
    },
    async destroy(stage: Parameters<Toolkit['destroy']>[0], signal?: AbortSignal) {
      toolkit.destroys += 1;
      events.push(`destroy ${stage.stackName}`);
      if (overrides.destroy) await overrides.destroy(stage, signal);
    },
  };
  return toolkit;
}

/** A preflight runner that records its command line and answers `exitCode` with `output`. */
export function recordingRunner(events: string[], exitCode = 0, output = 'The stage fits.'): CommandRunner {
  return async (command, args) => {
    events.push(`run ${command} ${args.join(' ')}`);
    return { exitCode, output };
  };
}
