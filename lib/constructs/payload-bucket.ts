import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PAYLOAD_KEY_PREFIX } from '../../lambdas/payload-limits';
import type { RemovalPolicyName } from '../config';
import { JOB_QUEUE_RETENTION_SECONDS } from '../job-type-checks';

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
   * `retain` keeps the bucket on stack deletion; `destroy` deletes it, which CloudFormation
   * can do only once it is empty (objects expire by lifecycle; empty it first to delete sooner).
   * @default 'retain'
   */
  readonly removalPolicy?: RemovalPolicyName;
}

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
 */
export class PayloadBucket extends Construct {
  public readonly bucket: s3.Bucket;
  /** Days after which the lifecycle rule deletes an object. */
  public readonly expirationDays: number;

  constructor(scope: Construct, id: string, props: PayloadBucketProps) {
    super(scope, id);
    this.expirationDays = props.retentionDays + PAYLOAD_EXPIRY_MARGIN_DAYS;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
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
      removalPolicy:
        (props.removalPolicy ?? 'retain') === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "Objects are short-lived claim-check copies of job payloads, written and read only by this stack's function roles (and by presigned URLs those roles sign, valid 10 minutes); the functions log every job they touch. Turn on CloudTrail S3 data events where per-object access records are required.",
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
