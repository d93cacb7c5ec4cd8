/**
 * Grants on every queue, or every dead-letter queue, of a stage by one ARN pattern instead of a
 * list of ARNs, for the two roles that reach every job type's queues (the sweeper, the admin
 * redrive). A list grows by up to four ARNs per job type, and past the role's inline-policy size
 * CDK moves statements into extra managed policies: resources the 500-resource limit did not
 * count. The patterns keep those policies the same size whatever the job types.
 *
 * They are exact: the stage's queues are named `<stackName>_<job>[_high][_dlq]`
 * (`lambdas/queue-names.ts`), a stack name holds no `_` and a job name no `_`, so
 * `<stackName>_*` matches this stage's queues and no other stage's, and `<stackName>_*_dlq`
 * only its dead-letter queues.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { QUEUE_NAME_SEPARATOR, queueNamePrefix } from '../../lambdas/queue-names';

/** Which of the stage's queues a grant covers. */
export type StageQueueSet = 'all' | 'dead-letter';

/** The ARN pattern of the stage's queues, or of its dead-letter queues only. */
export function stageQueueArnPattern(scope: Construct, stackName: string, set: StageQueueSet): string {
  const name = `${queueNamePrefix(stackName)}*${set === 'dead-letter' ? `${QUEUE_NAME_SEPARATOR}dlq` : ''}`;
  return Stack.of(scope).formatArn({ service: 'sqs', resource: name });
}

/**
 * Lets `role` call `actions` on the stage's queues (`all`) or dead-letter queues, and
 * acknowledges cdk-nag's wildcard finding on the policy with the reason above.
 */
export function grantOnStageQueues(
  role: iam.Role,
  stackName: string,
  set: StageQueueSet,
  actions: readonly string[],
): void {
  const pattern = stageQueueArnPattern(role, stackName, set);
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...actions], resources: [pattern] }));
  const policy = role.node.tryFindChild('DefaultPolicy') ?? role;
  const name = `${queueNamePrefix(stackName)}*${set === 'dead-letter' ? `${QUEUE_NAME_SEPARATOR}dlq` : ''}`;
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sqs:<AWS::Region>:<AWS::AccountId>:${name}]`,
    reason: `The stage's ${set === 'all' ? 'queues and dead-letter queues' : 'dead-letter queues'} by their naming pattern, ${name}: stack names and job names hold no '_', so it matches this stage's queues only, and the policy stays one size whatever the job types (a list of ARNs would outgrow the role's inline policy).`,
  });
}
