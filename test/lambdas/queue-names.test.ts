import { describe, expect, it } from 'vitest';
import {
  hasHighPriorityLane,
  lanesOf,
  laneUrlMap,
  queueName,
  queueUrl,
  sqsQueueUrlPrefix,
  stageQueues,
} from '../../lambdas/queue-names';
import { highPriorityKey } from '../../lambdas/runtime-env';

describe('queueName', () => {
  it.each([
    ['normal', 'queue', 'Jobs_echo'],
    ['normal', 'dlq', 'Jobs_echo_dlq'],
    ['high', 'queue', 'Jobs_echo_high'],
    ['high', 'dlq', 'Jobs_echo_high_dlq'],
  ] as const)('names the %s lane %s', (lane, kind, name) => {
    expect(queueName('Jobs', 'echo', lane, kind)).toBe(name);
  });

  it("keeps a job type named 'echo-high' apart from echo's high-priority lane", () => {
    const echo = stageQueues('Jobs', { echo: true }).map((q) => q.name);
    const echoHigh = stageQueues('Jobs', { 'echo-high': true }).map((q) => q.name);
    expect(echo).toEqual(['Jobs_echo', 'Jobs_echo_dlq', 'Jobs_echo_high', 'Jobs_echo_high_dlq']);
    expect(echoHigh).toEqual([
      'Jobs_echo-high',
      'Jobs_echo-high_dlq',
      'Jobs_echo-high_high',
      'Jobs_echo-high_high_dlq',
    ]);
    expect(echo.filter((name) => echoHigh.includes(name))).toEqual([]);
  });

  it('lists two queues per lane, the high-priority pair only when enabled', () => {
    expect(stageQueues('S', { a: false, b: true })).toEqual([
      { jobName: 'a', lane: 'normal', kind: 'queue', name: 'S_a' },
      { jobName: 'a', lane: 'normal', kind: 'dlq', name: 'S_a_dlq' },
      { jobName: 'b', lane: 'normal', kind: 'queue', name: 'S_b' },
      { jobName: 'b', lane: 'normal', kind: 'dlq', name: 'S_b_dlq' },
      { jobName: 'b', lane: 'high', kind: 'queue', name: 'S_b_high' },
      { jobName: 'b', lane: 'high', kind: 'dlq', name: 'S_b_high_dlq' },
    ]);
  });
});

describe('queue URLs', () => {
  const prefix = sqsQueueUrlPrefix({
    region: 'eu-west-1',
    urlSuffix: 'amazonaws.com',
    account: '111111111111',
    stackName: 'Jobs',
  });

  it("derives a queue's URL from the stage's prefix, as CloudFormation returns it", () => {
    expect(prefix).toBe('https://sqs.eu-west-1.amazonaws.com/111111111111/Jobs_');
    expect(queueUrl(prefix, 'echo', 'high', 'dlq')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/111111111111/Jobs_echo_high_dlq',
    );
  });

  it('maps each job name, and <name>:high for a high-priority lane, to its URL', () => {
    expect(laneUrlMap(prefix, { echo: false, sleep: true }, 'dlq')).toEqual({
      echo: `${prefix}echo_dlq`,
      sleep: `${prefix}sleep_dlq`,
      [highPriorityKey('sleep')]: `${prefix}sleep_high_dlq`,
    });
  });
});

describe('lanes', () => {
  it('gives a job type a high-priority lane exactly when highPriorityMaxConcurrency is above 0', () => {
    expect(hasHighPriorityLane({ highPriorityMaxConcurrency: 0 })).toBe(false);
    expect(hasHighPriorityLane({ highPriorityMaxConcurrency: 2 })).toBe(true);
    expect(
      lanesOf([
        { name: 'a', settings: { highPriorityMaxConcurrency: 0 } },
        { name: 'b', settings: { highPriorityMaxConcurrency: 5 } },
      ]),
    ).toEqual({ a: false, b: true });
  });
});
