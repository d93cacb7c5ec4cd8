/**
 * Every AWS Control Tower proactive control (cfn-guard) the stack fails on purpose: the one
 * place they are acknowledged. `test/lib/cfn-guard.test.ts` fails on any finding not listed
 * here, and on any entry that names a resource the rule does not fail (so an entry cannot
 * outlive its reason, nor cover a resource added later without a look).
 *
 * Fixed rather than acknowledged: CT.SQS.PR.1 (each DLQ's redrive allow policy admits only its
 * source queue), CT.S3.PR.2 on the payload bucket (it writes server access logs), CT.KMS.PR.3
 * (the alarm key denies grants except for AWS services).
 */

/** One acknowledged control, on the resources it names. */
export interface GuardAcknowledgement {
  /** The Control Tower control id, as cfn-guard prints it: `CT.S3.PR.2`. */
  readonly rule: string;
  /** The CloudFormation type of the resources. */
  readonly resourceType: string;
  /**
   * Construct paths below the stack (`JobApi/AccessLogs/Resource`), so logical-id hashes and
   * the stack name do not matter: `*` is one path segment or part of one, `**` any number of
   * segments.
   */
  readonly paths: readonly string[];
  /** Why the stack does not follow the control here. */
  readonly reason: string;
}

/** The log group of every function (`JobFunction` names it `Logs`) and the API's access log. */
const LOG_GROUPS = ['**/Logs/Resource', 'JobApi/AccessLogs/Resource'];
const PAYLOAD_BUCKET = 'Payloads/Bucket/Resource';
const ACCESS_LOG_BUCKET = 'Payloads/AccessLogs/Bucket/Resource';

/** The acknowledged findings; see the file's summary. */
export const GUARD_ACKNOWLEDGEMENTS: readonly GuardAcknowledgement[] = [
  {
    rule: 'CT.CLOUDWATCH.PR.2',
    resourceType: 'AWS::Logs::LogGroup',
    paths: LOG_GROUPS,
    reason:
      'Retention is the stage config logRetentionDays (default 30): operational logs of short-lived jobs, whose records expire after retentionDays. A stage that must keep logs a year sets logRetentionDays to 365 or more, or exports them to an archive.',
  },
  {
    rule: 'CT.CLOUDWATCH.PR.3',
    resourceType: 'AWS::Logs::LogGroup',
    paths: LOG_GROUPS,
    reason:
      'CloudWatch Logs encrypts every log group at rest with its own keys already. A customer-managed key per stage would add key policy grants for logs.<region>.amazonaws.com and a key to run, and the functions log ids, codes and timings, not job payloads.',
  },
  {
    rule: 'CT.LAMBDA.PR.3',
    resourceType: 'AWS::Lambda::Function',
    paths: ['**/Function/Resource'],
    reason:
      'The functions reach only AWS service endpoints (DynamoDB, SQS, S3, CloudWatch, X-Ray), never a private network; a VPC would add NAT gateways or interface endpoints per Availability Zone, cost and cold-start latency for no reachable resource.',
  },
  {
    rule: 'CT.LAMBDA.PR.2',
    resourceType: 'AWS::Lambda::Permission',
    paths: ['JobApi/Api/Default/**/ApiPermission.*'],
    reason:
      "The rule's own false positive: each permission is for apigateway.amazonaws.com with a SourceArn naming one method of this API (execute-api:<region>:<account>:<api-id>/<stage or test-invoke-stage>/<METHOD>/<path>), which the rule cannot read because CDK builds it with Fn::Join.",
  },
  {
    rule: 'CT.S3.PR.10',
    resourceType: 'AWS::S3::Bucket',
    paths: [PAYLOAD_BUCKET],
    reason:
      'SSE-S3 on purpose (docs/http-contract.md, Large payloads): SSE-KMS adds a KMS request to every payload read and write, which at 100,000 jobs a minute costs more than it protects, and presigned result URLs would need kms:Decrypt on their signer.',
  },
  {
    rule: 'CT.S3.PR.10',
    resourceType: 'AWS::S3::Bucket',
    paths: [ACCESS_LOG_BUCKET],
    reason:
      'S3 log delivery writes with SSE-S3 and no key to manage; SSE-KMS would need a customer-managed key whose policy lets logging.s3.amazonaws.com use it. The logs hold object keys and callers, no payload.',
  },
  {
    rule: 'CT.S3.PR.11',
    resourceType: 'AWS::S3::Bucket',
    paths: [PAYLOAD_BUCKET, ACCESS_LOG_BUCKET],
    reason:
      'Lifecycle expiry must really delete: with versioning it only adds a delete marker and the bytes stay as a noncurrent version. Objects are written once under keys that name their content (payloads) or their time (logs) and never overwritten, so there is no earlier version to recover.',
  },
  {
    rule: 'CT.S3.PR.9',
    resourceType: 'AWS::S3::Bucket',
    paths: [PAYLOAD_BUCKET, ACCESS_LOG_BUCKET],
    reason:
      'Object lock needs versioning (see CT.S3.PR.11) and keeps objects past the retention the stage chose; payloads and their access logs are meant to expire. Where logs are legal records, replicate them to a locked archive bucket in a log-archive account.',
  },
  {
    rule: 'CT.S3.PR.4',
    resourceType: 'AWS::S3::Bucket',
    paths: [PAYLOAD_BUCKET, ACCESS_LOG_BUCKET],
    reason:
      'Nothing consumes object events: payloads are written and read only by the stack functions, which record each job, and logs by S3 log delivery. CDK would configure notifications through an extra custom-resource Lambda; add them with a consumer.',
  },
  {
    rule: 'CT.S3.PR.2',
    resourceType: 'AWS::S3::Bucket',
    paths: [ACCESS_LOG_BUCKET],
    reason:
      'The bucket holds the payload bucket server access logs: logging it into itself would log every log delivery, and a further log bucket would only move the question. Turn on CloudTrail S3 data events where reads of the logs must be recorded.',
  },
];
