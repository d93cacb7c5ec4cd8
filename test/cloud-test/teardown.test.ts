/** Teardown of the smoke stage, and the `--teardown` mode, against mocked AWS. */
import { DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DeleteObjectsCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { DeleteQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { awsClients } from '../../cloud-test/aws-clients';
import { emptyBucket } from '../../cloud-test/empty-bucket';
import { CloudTestExit } from '../../cloud-test/exit-codes';
import { smokeStage } from '../../cloud-test/smoke-stage';
import { tearDown } from '../../cloud-test/teardown';
import { runTeardownOnly } from '../../cloud-test/teardown-only';
import type { Toolkit } from '../../cloud-test/toolkit';
import { LOG_BUCKET, manualSignals, mockAws, PAYLOAD_BUCKET, REGION, recordingToolkit } from './fakes';

const STACK = 'AsyncEndpointsSmoke-tb2k1q-x7f';
const stage = smokeStage(STACK, REGION);
let aws: ReturnType<typeof mockAws>;
afterEach(() => aws.restore());

function setup(toolkitOverrides: Partial<Toolkit> = {}) {
  const events: string[] = [];
  aws = mockAws(events);
  const lines: string[] = [];
  const toolkit = recordingToolkit(events, toolkitOverrides);
  const options = {
    clients: awsClients(REGION),
    toolkit,
    stage,
    log: (line: string) => lines.push(line),
    settle: { sleep: async () => {} },
  };
  return { events, lines, toolkit, options };
}

describe('tearDown', () => {
  it('empties every bucket of the stack, versions and delete markers included, then deletes the stack', async () => {
    const { events, lines, options } = setup();
    await expect(tearDown({ ...options, payloadBucket: PAYLOAD_BUCKET })).resolves.toBe(
      `stack ${STACK} deleted after emptying 2 bucket(s)`,
    );
    expect(events).toEqual([`empty ${PAYLOAD_BUCKET} (1)`, `empty ${LOG_BUCKET} (3)`, `destroy ${STACK}`]);
    expect(aws.s3.commandCalls(DeleteObjectsCommand)[1]?.args[0].input.Delete?.Objects).toEqual([
      { Key: 'logs/a', VersionId: 'v1' },
      { Key: 'logs/a', VersionId: 'v2' },
      { Key: 'logs/a', VersionId: 'm1' },
    ]);
    expect([...aws.buckets.values()].flat()).toEqual([]);
    expect(lines).toContain(`  emptied bucket ${LOG_BUCKET} (3 object versions)`);
  });

  it('waits while CloudFormation is still working on the stack (a deploy stopped by Ctrl-C)', async () => {
    const { events, options } = setup();
    aws.cloudFormation
      .on(DescribeStacksCommand)
      .resolvesOnce({
        Stacks: [{ StackName: STACK, StackStatus: 'CREATE_IN_PROGRESS', CreationTime: new Date() }],
      })
      .resolvesOnce({
        Stacks: [{ StackName: STACK, StackStatus: 'ROLLBACK_IN_PROGRESS', CreationTime: new Date() }],
      })
      .resolves({
        Stacks: [{ StackName: STACK, StackStatus: 'ROLLBACK_COMPLETE', CreationTime: new Date() }],
      });
    await tearDown(options);
    expect(aws.cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(3);
    expect(events.at(-1)).toBe(`destroy ${STACK}`);
  });

  it('deletes a stack left REVIEW_IN_PROGRESS (a change set never executed) without waiting', async () => {
    const { events, options } = setup();
    aws.cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: STACK, StackStatus: 'REVIEW_IN_PROGRESS', CreationTime: new Date() }],
    });
    await tearDown(options);
    expect(aws.cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    expect(events.at(-1)).toBe(`destroy ${STACK}`);
  });

  it('empties again and retries when the delete fails (a late access-log delivery refilled a bucket)', async () => {
    let failures = 1;
    const { events, lines, options } = setup({
      destroy: async () => {
        if (failures-- > 0) {
          aws.buckets.set(LOG_BUCKET, [{ Key: 'logs/late', VersionId: 'v9' }]);
          throw new Error('The bucket you tried to delete is not empty');
        }
      },
    });
    await tearDown(options);
    expect(events).toEqual([
      `empty ${PAYLOAD_BUCKET} (1)`,
      `empty ${LOG_BUCKET} (3)`,
      `destroy ${STACK}`,
      `empty ${LOG_BUCKET} (1)`,
      `destroy ${STACK}`,
    ]);
    expect(lines).toContain('  delete attempt 1 failed; emptying the buckets again and retrying');
  });

  it('gives up after its attempts with the last error', async () => {
    const { toolkit, options } = setup({
      destroy: async () => {
        throw new Error('cdk destroy exited with 1');
      },
    });
    await expect(tearDown({ ...options, attempts: 2 })).rejects.toThrow('cdk destroy exited with 1');
    expect(toolkit.destroys).toBe(2);
  });

  it("deletes the alarm check's probe queue when that check was cut short", async () => {
    const { lines, options } = setup();
    aws.sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://sqs/123/probe' });
    await tearDown(options);
    expect(aws.sqs.commandCalls(GetQueueUrlCommand)[0]?.args[0].input).toEqual({
      QueueName: `${STACK}_alarm_probe`,
    });
    expect(aws.sqs.commandCalls(DeleteQueueCommand)[0]?.args[0].input).toEqual({
      QueueUrl: 'https://sqs/123/probe',
    });
    expect(lines).toContain(`  deleted the leftover probe queue ${STACK}_alarm_probe`);
  });

  it('does nothing more when the stack does not exist', async () => {
    const { events, options } = setup();
    const missing = Object.assign(new Error(`Stack with id ${STACK} does not exist`), {
      name: 'ValidationError',
    });
    aws.cloudFormation.on(DescribeStacksCommand).rejects(missing);
    aws.cloudFormation.on(ListStackResourcesCommand).rejects(missing);
    await expect(tearDown(options)).resolves.toBe(`stack ${STACK} did not exist`);
    expect(events).toEqual([]);
  });
});

describe('emptyBucket', () => {
  it('deletes 1,000 keys per request until the bucket lists empty', async () => {
    setup();
    aws.buckets.set(
      'big',
      Array.from({ length: 2_500 }, (_, i) => ({ Key: `k${i}`, VersionId: 'null' })),
    );
    aws.s3.on(ListObjectVersionsCommand).callsFake((input: { Bucket: string; MaxKeys: number }) => ({
      Versions: (aws.buckets.get(input.Bucket) ?? []).slice(0, input.MaxKeys),
    }));
    await expect(emptyBucket(awsClients(REGION).s3, 'big')).resolves.toBe(2_500);
    expect(
      aws.s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete?.Objects?.length),
    ).toEqual([1_000, 1_000, 500]);
  });

  it('names the keys S3 refused to delete', async () => {
    setup();
    aws.s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'jobs/1/input.gz', Code: 'AccessDenied' }] });
    await expect(emptyBucket(awsClients(REGION).s3, PAYLOAD_BUCKET)).rejects.toThrow(
      `S3 refused to delete 1 object(s) of ${PAYLOAD_BUCKET}: jobs/1/input.gz (AccessDenied)`,
    );
  });
});

describe('runTeardownOnly (npm run test:cloud -- --teardown <stack>)', () => {
  function deps(toolkit: Toolkit) {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      deps: {
        region: REGION,
        clients: awsClients(REGION),
        toolkit,
        signals: manualSignals(),
        out: (text: string) => out.push(text),
        err: (text: string) => err.push(text),
        settle: { sleep: async () => {} },
      },
    };
  }

  it('destroys the named smoke stage and exits 0', async () => {
    const { toolkit, events } = setup();
    const run = deps(toolkit);
    expect(await runTeardownOnly(run.deps, STACK)).toBe(CloudTestExit.Passed);
    expect(events.at(-1)).toBe(`destroy ${STACK}`);
    expect(run.out.at(-1)).toBe(`stack ${STACK} deleted after emptying 2 bucket(s)`);
  });

  it('exits 4, repeating its own command, when the stage still cannot be deleted', async () => {
    const { toolkit } = setup({
      destroy: async () => {
        throw new Error('cdk destroy exited with 1');
      },
    });
    const run = deps(toolkit);
    expect(await runTeardownOnly(run.deps, STACK)).toBe(CloudTestExit.TeardownFailed);
    expect(run.err).toEqual([
      `The stage ${STACK} was not destroyed (cdk destroy exited with 1). Run again: npm run test:cloud -- --teardown ${STACK} --region ${REGION}`,
    ]);
  });
});
