/** The alarm-delivery check against mocked CloudWatch, SNS and SQS. */
import {
  CloudWatchClient,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlarmDeliveryCheck, checkAlarmDelivery } from '../../cloud-test/alarm-delivery';
import { ALARM, alarmNotification, mockAws, REGION, TOPIC_ARN } from './fakes';

let aws: ReturnType<typeof mockAws>;
let events: string[];
afterEach(() => aws.restore());

function check(overrides: Partial<AlarmDeliveryCheck> = {}): AlarmDeliveryCheck {
  events = [];
  aws = mockAws(events);
  return {
    cloudWatch: new CloudWatchClient({ region: REGION }),
    sns: new SNSClient({ region: REGION }),
    sqs: new SQSClient({ region: REGION }),
    topicArn: TOPIC_ARN,
    alarmNames: ['Smoke-api-5xx', ALARM],
    queueName: 'Smoke_alarm_probe',
    ...overrides,
  };
}

describe('checkAlarmDelivery', () => {
  it('passes when the alarm it set reaches the probe queue, and removes the queue and subscription', async () => {
    const options = check();
    await expect(checkAlarmDelivery(options)).resolves.toBe(`alarm ${ALARM} -> ${TOPIC_ARN} -> probe queue`);
    expect(events).toEqual([
      'create queue Smoke_alarm_probe',
      'subscribe',
      `set ${ALARM} ALARM`,
      'unsubscribe',
      'delete queue',
    ]);
    // An SSE queue that only this topic may send to.
    expect(aws.sqs.commandCalls(CreateQueueCommand)[0]?.args[0].input.Attributes).toMatchObject({
      SqsManagedSseEnabled: 'true',
    });
    const policy = JSON.parse(
      aws.sqs.commandCalls(SetQueueAttributesCommand)[0]?.args[0].input.Attributes?.Policy ?? '{}',
    );
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': TOPIC_ARN } },
      }),
    ]);
    expect(aws.sns.commandCalls(SubscribeCommand)[0]?.args[0].input).toMatchObject({
      TopicArn: TOPIC_ARN,
      Protocol: 'sqs',
    });
    // The alarm already in ALARM would not transition, so the other one was set.
    expect(aws.cloudWatch.commandCalls(SetAlarmStateCommand)).toHaveLength(1);
  });

  it('ignores notifications of other alarms and waits for its own', async () => {
    const options = check();
    aws.sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [{ Body: alarmNotification('Smoke-api-5xx') }, { Body: 'not json' }] })
      .resolvesOnce({ Messages: [{ Body: alarmNotification(ALARM, 'OK') }] })
      .resolves({ Messages: [{ Body: alarmNotification(ALARM) }] });
    await expect(checkAlarmDelivery(options)).resolves.toContain(ALARM);
    expect(aws.sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(3);
  });

  it('fails within its bound, saying what it waited for and what CloudWatch recorded, and still cleans up', async () => {
    let clock = 0;
    const options = check({ timeoutMs: 60_000, pollSeconds: 20, now: () => clock });
    // Each long poll takes its full wait and returns nothing.
    aws.sqs.on(ReceiveMessageCommand).callsFake((input: { WaitTimeSeconds: number }) => {
      clock += input.WaitTimeSeconds * 1000;
      return { Messages: [] };
    });
    aws.cloudWatch.on(DescribeAlarmHistoryCommand).resolves({
      AlarmHistoryItems: [
        { HistorySummary: `Failed to execute action ${TOPIC_ARN}. Received error: "not authorized"` },
      ],
    });
    await expect(checkAlarmDelivery(options)).rejects.toThrow(
      `No notification of alarm ${ALARM} reached a queue subscribed to ${TOPIC_ARN} within 60 s. ` +
        `CloudWatch says: Failed to execute action ${TOPIC_ARN}. Received error: "not authorized"`,
    );
    expect(aws.sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(3);
    expect(clock).toBe(60_000);
    expect(aws.sns.commandCalls(UnsubscribeCommand)).toHaveLength(1);
    expect(aws.sqs.commandCalls(DeleteQueueCommand)).toHaveLength(1);
  });

  it('points at the topic and key policies when CloudWatch recorded nothing', async () => {
    let clock = 0;
    const options = check({ timeoutMs: 20_000, now: () => clock });
    aws.sqs.on(ReceiveMessageCommand).callsFake(() => {
      clock += 20_000;
      return {};
    });
    await expect(checkAlarmDelivery(options)).rejects.toThrow(
      /within 20 s\. Check that the topic policy lets cloudwatch\.amazonaws\.com publish and that its KMS key lets CloudWatch use it\.$/,
    );
  });

  it('refuses, creating nothing, when no alarm of the stage notifies the topic', async () => {
    const options = check();
    aws.cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: [{ AlarmName: ALARM, StateValue: 'OK', AlarmActions: ['arn:aws:sns:eu-west-1:1:other'] }],
    });
    await expect(checkAlarmDelivery(options)).rejects.toThrow(
      `None of the stage's 2 alarms notifies ${TOPIC_ARN}`,
    );
    expect(events).toEqual([]);
  });
});
