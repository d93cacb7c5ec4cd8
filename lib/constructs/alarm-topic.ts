import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { RemovalPolicyName } from '../config';

/** Props of {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /** Shown in the topic's display name and the key's description (the stack name). */
  readonly serviceName: string;
  /**
   * Email address subscribed to the topic (the recipient confirms it once).
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Removal policy of the topic's key.
   * @default 'retain'
   */
  readonly removalPolicy?: RemovalPolicyName;
}

/** The SNS topic every alarm notifies: KMS-encrypted, TLS-only, optionally mailed. */
export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  /**
   * Customer-managed key of the topic. Not `alias/aws/sns`: CloudWatch alarms cannot publish to
   * a topic encrypted with the AWS-managed key, whose key policy cannot grant
   * cloudwatch.amazonaws.com `kms:Decrypt`/`kms:GenerateDataKey*`.
   */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    // Only this stage's alarms (named `<serviceName>-...`, JobMonitoring's alarm name prefix),
    // so CloudWatch cannot be made to publish here on another alarm's behalf.
    const stack = Stack.of(this);
    const fromThisStagesAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${props.serviceName}-*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    this.key = new kms.Key(this, 'Key', {
      description: `${props.serviceName} alarm topic encryption`,
      enableKeyRotation: true,
      removalPolicy:
        (props.removalPolicy ?? 'retain') === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'], // in a key policy, '*' means this key
        conditions: fromThisStagesAlarms,
      }),
    );
    // Grants only for AWS services acting for the account (CT.KMS.PR.3): nothing here needs a
    // grant (SNS and CloudWatch use the key directly), so a principal holding kms:* through IAM
    // cannot hand the key on with a grant.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyGrantsExceptForAwsServices',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `${props.serviceName} alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default one: without this Allow, alarms fire and their
    // notifications are refused ("no resource-based policy allows the SNS:Publish action").
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisStagesAlarms,
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
  }
}
