/**
 * Proves an alarm of the stage reaches a subscriber, end to end: CloudWatch -> the alarm topic
 * (KMS-encrypted, with its topic and key policies) -> SNS delivery. A probe queue is subscribed
 * to the topic, one alarm is set to ALARM, and the notification must arrive in time.
 *
 * ```
 * CreateQueue (SSE-SQS) -> policy: sns.amazonaws.com may send, from this topic only
 *   -> Subscribe(topic, queue) -> SetAlarmState(ALARM) -> ReceiveMessage ... until found or bound
 *   -> finally: Unsubscribe, DeleteQueue
 * ```
 */
import {
  type CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { type SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** What the check needs. */
export interface AlarmDeliveryCheck {
  readonly cloudWatch: CloudWatchClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
  /** The stage's alarm topic (stack output `AlarmTopicArn`). */
  readonly topicArn: string;
  /** The stage's alarm names (its `AWS::CloudWatch::Alarm` resources). */
  readonly alarmNames: readonly string[];
  /** Name of the probe queue (also deleted by the teardown, should this check be cut short). */
  readonly queueName: string;
  /** How long to wait for the notification. @default 5 minutes */
  readonly timeoutMs?: number;
  /** Long-poll length of each receive, seconds (SQS allows 0-20). @default 20 */
  readonly pollSeconds?: number;
  readonly now?: () => number;
  readonly signal?: AbortSignal;
}

/**
 * @returns a one-line account of what arrived
 * @throws Error saying which alarm was set and what was (not) received within the bound, with
 *   CloudWatch's own record of the failed action when it has one
 */
export async function checkAlarmDelivery(check: AlarmDeliveryCheck): Promise<string> {
  const { cloudWatch, sns, sqs, topicArn } = check;
  const now = check.now ?? Date.now;
  const timeoutMs = check.timeoutMs ?? 5 * 60_000;
  const options = check.signal ? { abortSignal: check.signal } : {};
  const alarmName = await pickAlarm(cloudWatch, check.alarmNames, topicArn, options);

  const { QueueUrl: queueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: check.queueName,
      Attributes: { SqsManagedSseEnabled: 'true', MessageRetentionPeriod: '3600' },
    }),
    options,
  );
  if (!queueUrl) throw new Error(`SQS returned no URL for queue ${check.queueName}`);
  let subscriptionArn: string | undefined;
  try {
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
      options,
    );
    const queueArn = Attributes.QueueArn ?? '';
    await sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: queueUrl,
        Attributes: { Policy: probePolicy(queueArn, topicArn) },
      }),
      options,
    );
    ({ SubscriptionArn: subscriptionArn } = await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArn,
        ReturnSubscriptionArn: true,
      }),
      options,
    ));
    await cloudWatch.send(
      new SetAlarmStateCommand({
        AlarmName: alarmName,
        StateValue: 'ALARM',
        StateReason: 'async-endpoints smoke test: checking that alarm notifications are delivered',
      }),
      options,
    );
    const deadline = now() + timeoutMs;
    const seen: string[] = [];
    while (now() < deadline) {
      const waitSeconds = Math.max(
        0,
        Math.min(check.pollSeconds ?? 20, Math.ceil((deadline - now()) / 1000)),
      );
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: waitSeconds,
        }),
        options,
      );
      for (const message of Messages) {
        const alarm = alarmOf(message.Body);
        if (alarm?.name === alarmName && alarm.state === 'ALARM') {
          return `alarm ${alarmName} -> ${topicArn} -> probe queue`;
        }
        seen.push(alarm ? `${alarm.name} ${alarm.state}` : 'an unrelated message');
      }
    }
    const history = await lastActionHistory(cloudWatch, alarmName);
    throw new Error(
      `No notification of alarm ${alarmName} reached a queue subscribed to ${topicArn} within ` +
        `${Math.round(timeoutMs / 1000)} s${seen.length ? ` (received: ${seen.join('; ')})` : ''}. ` +
        (history
          ? `CloudWatch says: ${history}`
          : 'Check that the topic policy lets cloudwatch.amazonaws.com publish and that its KMS key lets CloudWatch use it.'),
    );
  } finally {
    // Cleanup runs even after a Ctrl-C: no abort signal here. The subscription would go with the
    // topic; the queue is not part of the stack (the teardown deletes it if this fails).
    if (subscriptionArn?.startsWith('arn:')) {
      await ignoreFailure(() => sns.send(new UnsubscribeCommand({ SubscriptionArn: subscriptionArn })));
    }
    await ignoreFailure(() => sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })));
  }
}

async function ignoreFailure(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch {
    // Best effort: see the caller.
  }
}

/** The probe queue's policy: the alarm topic, and only it, may send. */
export function probePolicy(queueArn: string, topicArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AlarmTopicMaySend',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  });
}

/**
 * An alarm that notifies the topic and is not in ALARM already (setting ALARM on an alarm in
 * ALARM is no transition, and notifies nobody).
 * @throws Error when the stage has none
 */
async function pickAlarm(
  cloudWatch: CloudWatchClient,
  names: readonly string[],
  topicArn: string,
  options: { abortSignal?: AbortSignal },
): Promise<string> {
  for (let i = 0; i < names.length; i += 100) {
    const { MetricAlarms = [] } = await cloudWatch.send(
      new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), MaxRecords: 100 }),
      options,
    );
    const alarm = MetricAlarms.find((a) => a.StateValue !== 'ALARM' && a.AlarmActions?.includes(topicArn));
    if (alarm?.AlarmName) return alarm.AlarmName;
  }
  throw new Error(
    `None of the stage's ${names.length} alarms notifies ${topicArn} from a state other than ALARM`,
  );
}

/** The alarm an SNS notification (raw delivery off: the SNS envelope) is about. */
function alarmOf(body: string | undefined): { name: string; state: string } | undefined {
  try {
    const envelope = JSON.parse(body ?? '') as { Message?: string };
    const message = JSON.parse(envelope.Message ?? '') as { AlarmName?: unknown; NewStateValue?: unknown };
    if (typeof message.AlarmName !== 'string') return undefined;
    return { name: message.AlarmName, state: String(message.NewStateValue) };
  } catch {
    return undefined;
  }
}

/** The alarm's latest action record, e.g. "Failed to execute action arn:...": why nothing arrived. */
async function lastActionHistory(
  cloudWatch: CloudWatchClient,
  alarmName: string,
): Promise<string | undefined> {
  try {
    const { AlarmHistoryItems = [] } = await cloudWatch.send(
      new DescribeAlarmHistoryCommand({ AlarmName: alarmName, HistoryItemType: 'Action', MaxRecords: 1 }),
    );
    return AlarmHistoryItems[0]?.HistorySummary;
  } catch {
    return undefined;
  }
}
