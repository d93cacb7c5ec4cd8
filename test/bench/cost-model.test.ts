import { describe, expect, it } from 'vitest';
import {
  costPerMillionJobs,
  stepFunctionsCostPerMillionJobs,
  stepFunctionsTransitions,
} from '../../bench/support/cost-model';
import { benchPrices } from '../../bench/support/prices';

const prices = benchPrices();

describe('costPerMillionJobs', () => {
  it('prices each part of one job and sums them per million jobs', () => {
    const cost = costPerMillionJobs(
      {
        apiRequests: 1,
        submitInvocations: 1,
        submitMs: 40,
        submitMemoryMiB: 256,
        sqsRequests: 1.2,
        dynamoDbWriteUnits: 3,
        dynamoDbReadUnits: 0,
        processorInvocations: 0.1,
        processorMs: 60,
        processorMemoryMiB: 512,
      },
      prices,
    );
    expect(cost.apiGateway).toBeCloseTo(3.5);
    // 0.20 per million requests + 0.25 GB x 0.04 s x 0.0000133334 per GB-s, per million.
    expect(cost.submitLambda).toBeCloseTo(0.2 + 0.25 * 0.04 * 0.0000133334 * 1e6, 6);
    expect(cost.sqs).toBeCloseTo(0.48);
    expect(cost.dynamoDb).toBeCloseTo(1.875);
    expect(cost.processorLambda).toBeCloseTo(0.02 + 0.1 * 0.5 * 0.06 * 0.0000133334 * 1e6, 6);
    expect(cost.total).toBeCloseTo(
      cost.apiGateway + cost.submitLambda + cost.sqs + cost.dynamoDb + cost.processorLambda,
      9,
    );
  });

  it('bills Lambda duration per started millisecond', () => {
    const usage = {
      apiRequests: 0,
      submitInvocations: 1,
      submitMemoryMiB: 1024,
      sqsRequests: 0,
      dynamoDbWriteUnits: 0,
      dynamoDbReadUnits: 0,
      processorInvocations: 0,
      processorMs: 0,
      processorMemoryMiB: 1024,
    };
    const a = costPerMillionJobs({ ...usage, submitMs: 10.1 }, prices);
    const b = costPerMillionJobs({ ...usage, submitMs: 11 }, prices);
    expect(a.total).toBeCloseTo(b.total, 9);
  });
});

describe('Step Functions Standard', () => {
  it('bills one transition per state entered plus one per retry', () => {
    expect(stepFunctionsTransitions(1)).toBe(2);
    expect(stepFunctionsTransitions(2)).toBe(3);
  });

  it('prices a job that succeeds first time at two transitions, the submit and one Lambda request', () => {
    const cost = stepFunctionsCostPerMillionJobs(1, prices);
    expect(cost.stepFunctions).toBeCloseTo(50);
    expect(cost.total).toBeCloseTo(50 + 3.5 + 0.2);
  });
});
