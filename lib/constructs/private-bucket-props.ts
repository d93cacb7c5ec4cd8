import { RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { RemovalPolicyName } from '../config';

/**
 * What every bucket of the stack shares: SSE-S3, TLS 1.2+ only (CDK writes the denials into the
 * bucket policy), public access blocked, ACLs disabled (bucket owner enforced), unversioned (so
 * lifecycle expiry really deletes, instead of leaving noncurrent versions), and the stage's
 * removal policy.
 *
 * @param removalPolicy `retain` (the default) keeps the bucket on stack deletion; `destroy`
 *   deletes it, which CloudFormation can do only once it is empty
 * @example
 * new s3.Bucket(this, 'Bucket', { ...privateBucketProps('retain'), lifecycleRules });
 */
export function privateBucketProps(removalPolicy: RemovalPolicyName = 'retain'): s3.BucketProps {
  return {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: false,
    removalPolicy: removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  };
}
