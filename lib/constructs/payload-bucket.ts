import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PAYLOAD_KEY_PREFIX } from '../../lambdas/payload-limits';
import type { RemovalPolicyName } from '../config';
import { JOB_QUEUE_RETENTION_SECONDS } from '../job-type-checks';
import { AccessLogBucket } from './access-log-bucket';
import { privateBucketProps } from './private-bucket-props';

/**
 * Days a payload object outlives the job retention: a job may wait in its queue up to the
 * queue's retention (4 days) before it finishes and its record's retention starts, so its input
 * object, written at submission, must last that much longer. Plus one day, because lifecycle
 * expiry runs once a day.
 */
export const PAYLOAD_EXPIRY_MARGIN_DAYS = Math.ceil(JOB_QUEUE_RETENTION_SECONDS / 86_400) + 1;

/** Props of {@link PayloadBucket}. */
export interface PayloadBucketProps {
  /** Days a finished job stays readable; objects expire this many days plus the margin after they are written. */
  readonly retentionDays: number;
  /**
   * `retain` keeps the bucket and its access log bucket on stack deletion; `destroy` deletes
   * them, which CloudFormation can do only once they are empty (objects expire by lifecycle;
   * empty them first to delete sooner).
   * @default 'retain'
   */
  readonly removalPolicy?: RemovalPolicyName;
}

/** Key prefix of the payload bucket's server access logs in the access log bucket. */
export const PAYLOAD_ACCESS_LOG_PREFIX = 'payloads/';

/** The payload objects a grant covers: inputs (`input.*`) or results (`result.*`) of any job. */
export type PayloadKind = 'input' | 'result';

/**
 * The claim-check bucket: gzip objects of inputs and results too large for the job item,
 * `jobs/<id>/<input|result>.<sha256>.json.gz`.
 *
 * - Encryption: S3-managed keys (SSE-S3). SSE-KMS would add a KMS request to every read and
 *   write (at 100,000 jobs per minute, millions of requests a day) and would need every reader
 *   of a presigned URL's signer to hold `kms:Decrypt`; the data is already protected by IAM,
 *   TLS-only access and short-lived URLs, and the job table uses an AWS-managed key as well.
 * - Unversioned, so the lifecycle rule really deletes: with versioning, expiry only adds a
 *   delete marker and the bytes stay as a noncurrent version.
 * - TLS only, public access blocked, ACLs disabled (bucket owner enforced).
 * - Server access logs go to an {@link AccessLogBucket} of its own, under
 *   {@link PAYLOAD_ACCESS_LOG_PREFIX}, partitioned by day.
 */
export class PayloadBucket extends Construct {
  public readonly bucket: s3.Bucket;
  /** Where the bucket's server access logs go. */
  public readonly accessLogs: AccessLogBucket;
  /** Days after which the lifecycle rule deletes an object. */
  public readonly expirationDays: number;

  constructor(scope: Construct, id: string, props: PayloadBucketProps) {
    super(scope, id);
    this.expirationDays = props.retentionDays + PAYLOAD_EXPIRY_MARGIN_DAYS;
    this.accessLogs = new AccessLogBucket(this, 'AccessLogs', { removalPolicy: props.removalPolicy });
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...privateBucketProps(props.removalPolicy),
      serverAccessLogsBucket: this.accessLogs.bucket,
      serverAccessLogsPrefix: PAYLOAD_ACCESS_LOG_PREFIX,
      targetObjectKeyFormat: s3.TargetObjectKeyFormat.partitionedPrefix(s3.PartitionDateSource.EVENT_TIME),
      lifecycleRules: [
        {
          id: 'ExpireWithTheJob',
          prefix: PAYLOAD_KEY_PREFIX,
          expiration: Duration.days(this.expirationDays),
        },
        {
          // Payloads are single PutObjects; this only sweeps up after anyone's failed multipart upload.
          id: 'AbortIncompleteUploads',
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
    });
  }

  /** Lets `role` write payload objects of `kind` (`s3:PutObject` on `jobs/*\/<kind>.*`, nothing else). */
  grantPut(role: iam.IRole, kind: PayloadKind): void {
    this.grant(role, 's3:PutObject', kind);
  }

  /** Lets `role` read (and presign reads of) payload objects of `kind` (`s3:GetObject` on `jobs/*\/<kind>.*`). */
  grantGet(role: iam.IRole, kind: PayloadKind): void {
    this.grant(role, 's3:GetObject', kind);
  }

  private grant(role: iam.IRole, action: string, kind: PayloadKind): void {
    const pattern = `${PAYLOAD_KEY_PREFIX}*/${kind}.*`;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [action], resources: [this.bucket.arnForObjects(pattern)] }),
    );
    // On the policy that holds the statement: the finding's own resource.
    const policy = role.node.tryFindChild('DefaultPolicy') ?? role;
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOfBucket()}.Arn>/${pattern}]`,
      reason: `Payload objects are keyed by job id and content hash, created per job at run time: the grant is ${action} on ${kind} objects of this one bucket, nothing else.`,
    });
  }

  private logicalIdOfBucket(): string {
    return Stack.of(this).resolve((this.bucket.node.defaultChild as s3.CfnBucket).logicalId) as string;
  }
}
