import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  ACTIVE_INDEX,
  ACTIVE_PROJECTION,
  BY_OWNER_INDEX,
  BY_OWNER_PROJECTION,
  JOB_TABLE_PARTITION_KEY,
} from '../../lambdas/table-schema';
import type { RemovalPolicyName } from '../config';
import type { JobTableWarmThroughput } from '../config-warm-throughput';

/** Attribute holding a finished job's expiry (epoch seconds); DynamoDB TTL deletes it later. */
export const JOB_TTL_ATTRIBUTE = 'expiresAt';

/** The table's global secondary indexes (monitored one by one). */
export const JOB_TABLE_INDEX_NAMES: readonly string[] = [BY_OWNER_INDEX.indexName, ACTIVE_INDEX.indexName];

/** Props of {@link JobTable}. */
export interface JobTableProps {
  /**
   * `retain` keeps the table on stack deletion and turns on deletion protection.
   * @default 'retain'
   */
  readonly removalPolicy?: RemovalPolicyName;
  /**
   * Warm throughput of the table and of each index, for a launch or a known spike: a new
   * on-demand table or index otherwise starts at 4,000 WRU/s and 12,000 RRU/s.
   * @default none: DynamoDB's starting values, then its own scaling
   */
  readonly warmThroughput?: JobTableWarmThroughput;
}

/**
 * The job records: one item per job, keyed by `id`, on-demand, with point-in-time recovery and
 * a TTL on finished jobs. A `Table` (not `TableV2`) so cdk-nag's DynamoDB rules apply.
 *
 * The `ByOwner` global secondary index (`ownerShard`, `createdKey`) serves `GET /jobs`: a
 * caller's jobs newest first, spread over the stage's owner shards, without a Scan. The sparse
 * `Active` index (`activeShard`, `lastUpdatedAt`) holds only unfinished jobs, for the recovery
 * sweeper. Both project little (INCLUDE): `ByOwner` only what never changes after submit, so it
 * is written once per job; `lambdas/table-schema.ts` has the arithmetic.
 * Changing an index's key or projection on a deployed table replaces the index (CloudFormation
 * deletes and recreates it, one GSI per update).
 */
export class JobTable extends Construct {
  public readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: JobTableProps = {}) {
    super(scope, id);
    const retain = (props.removalPolicy ?? 'retain') === 'retain';
    const warm = props.warmThroughput;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: JOB_TABLE_PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: JOB_TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      warmThroughput: warm?.table,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: BY_OWNER_INDEX.indexName,
      partitionKey: { name: BY_OWNER_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: BY_OWNER_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
      // A summary only: inputs, results, history and the lease stay in the table.
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...BY_OWNER_PROJECTION],
      warmThroughput: warm?.indexes?.[BY_OWNER_INDEX.indexName],
    });
    // A first look only: the sweeper reads the full record (GetItem) of the jobs it may repair.
    this.table.addGlobalSecondaryIndex({
      indexName: ACTIVE_INDEX.indexName,
      partitionKey: { name: ACTIVE_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: ACTIVE_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...ACTIVE_PROJECTION],
      warmThroughput: warm?.indexes?.[ACTIVE_INDEX.indexName],
    });
  }
}
