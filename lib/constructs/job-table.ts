import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { RemovalPolicyName } from '../config';

/** Attribute holding a finished job's expiry (epoch seconds); DynamoDB TTL deletes it later. */
export const JOB_TTL_ATTRIBUTE = 'expiresAt';

/** Props of {@link JobTable}. */
export interface JobTableProps {
  /**
   * `retain` keeps the table on stack deletion and turns on deletion protection.
   * @default 'retain'
   */
  readonly removalPolicy?: RemovalPolicyName;
}

/**
 * The job records: one item per job, keyed by `id`, on-demand, with point-in-time recovery and
 * a TTL on finished jobs. A `Table` (not `TableV2`) so cdk-nag's DynamoDB rules apply.
 */
export class JobTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: JobTableProps = {}) {
    super(scope, id);
    const retain = (props.removalPolicy ?? 'retain') === 'retain';
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: JOB_TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
