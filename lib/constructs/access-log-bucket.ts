import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { RemovalPolicyName } from '../config';
import { privateBucketProps } from './private-bucket-props';

/**
 * Days an S3 server access log object is kept. Long enough to look back over a quarter (an
 * access noticed late, say a leaked presigned URL found in a monthly review, after the payload
 * itself expired); short enough that records naming every object key and caller address do
 * not pile up: at a million payload requests a day the bucket holds about 30 GB.
 */
export const ACCESS_LOG_EXPIRATION_DAYS = 90;

/** Props of {@link AccessLogBucket}. */
export interface AccessLogBucketProps {
  /**
   * `retain` keeps the bucket on stack deletion; `destroy` deletes it, which CloudFormation
   * can do only once it is empty (logs arrive for hours after the last request: empty it first).
   * @default 'retain'
   */
  readonly removalPolicy?: RemovalPolicyName;
}

/**
 * The target of a bucket's S3 server access logs ({@link privateBucketProps}), with objects
 * expiring after {@link ACCESS_LOG_EXPIRATION_DAYS} days.
 *
 * - SSE-S3: log delivery needs no key. With SSE-KMS it would need a customer-managed key whose
 *   policy lets `logging.s3.amazonaws.com` use it (the AWS-managed `aws/s3` key cannot).
 * - Bucket owner enforced: CDK then grants `logging.s3.amazonaws.com` `s3:PutObject` in the
 *   bucket policy, on the source's prefix, for the source bucket and account only (no ACLs).
 * - Not itself logged: logging it into itself would log every log delivery, and a further log
 *   bucket would only move the question. cdk-nag's S1 knows a log target and raises nothing;
 *   cfn-guard's CT.S3.PR.2 is acknowledged in `test/lib/cfn-guard-acknowledgements.ts`.
 *
 * @example
 * const logs = new AccessLogBucket(this, 'AccessLogs', { removalPolicy: 'retain' });
 * new s3.Bucket(this, 'Data', { serverAccessLogsBucket: logs.bucket, serverAccessLogsPrefix: 'data/' });
 */
export class AccessLogBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps = {}) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...privateBucketProps(props.removalPolicy),
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(ACCESS_LOG_EXPIRATION_DAYS) }],
    });
  }
}
