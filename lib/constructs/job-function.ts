import * as path from 'node:path';
import { type Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { STAGE_MANIFEST_IDENTIFIER, type StageManifest } from '../../lambdas/stage-manifest';
import type { RemovalPolicyName } from '../config';

/** Repository root: handler entries and the lockfile are resolved from here, not from `process.cwd()`. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Powertools (and some SDK dependencies) call `require` for Node built-ins; an ESM bundle has
 * none, so define one (aws-powertools/powertools-lambda-typescript#490).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * esbuild `define` that bakes `manifest` into a bundle (read by `lambdas/stage-manifest.ts`).
 *
 * @throws Error when the manifest holds an unresolved token: a bundle is built at synth, before
 * CloudFormation resolves anything
 */
export function stageManifestDefine(manifest: StageManifest): Record<string, string> {
  const json = JSON.stringify(manifest);
  if (Token.isUnresolved(json)) throw new Error('A stage manifest must not hold unresolved tokens');
  return { [STAGE_MANIFEST_IDENTIFIER]: json };
}

/** Props of {@link JobFunction}. */
export interface JobFunctionProps {
  /** Handler file, relative to the repository root; it must export `handler`. */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** Function timeout. */
  readonly timeout: Duration;
  /** Memory, MiB. */
  readonly memoryMiB: number;
  /**
   * Reserved concurrency.
   * @default - none: draws on the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Environment variables (NODE_OPTIONS and the Powertools service name are added). Only
   * fixed-size values: Lambda allows 4 KB for all of them, checked at synth.
   */
  readonly environment: Readonly<Record<string, string>>;
  /**
   * The per-job-type data the function reads, baked into its bundle (see
   * `lambdas/stage-manifest.ts`): only the fields its entry reads.
   * @default - none baked: the entry reads no manifest
   */
  readonly manifest?: StageManifest;
  /** Powertools service name (the stack name). */
  readonly serviceName: string;
  /** Log group retention. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log group. */
  readonly removalPolicy: RemovalPolicyName;
}

/**
 * A Node.js 24 arm64 function bundled as minified ESM (AWS SDK included), with its own role
 * (no managed policies: only what callers grant, writing to its own log group and sending
 * X-Ray traces), its own log group with a set retention, and active X-Ray tracing.
 */
export class JobFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** What was baked into the bundle (the template does not show it). */
  public readonly manifest?: StageManifest;

  constructor(scope: Construct, id: string, props: JobFunctionProps) {
    super(scope, id);
    this.manifest = props.manifest;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout,
      memorySize: props.memoryMiB,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      // Active: Lambda samples and records each invocation, the Powertools Tracer adds the
      // handler, job and SDK-call subsegments, and an SQS-triggered invocation joins the trace
      // of the message's sender (AWSTraceHeader). CDK grants the X-Ray writes it needs.
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings, not the sources: a map without them is a third the
        // size, and Node parses the whole map at start-up under --enable-source-maps.
        sourcesContent: false,
        bundleAwsSDK: true,
        format: nodejs.OutputFormat.ESM,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        target: 'node24',
        ...(props.manifest ? { define: stageManifestDefine(props.manifest) } : {}),
      },
    });
    // Added by `tracing: ACTIVE` to the role's default policy.
    const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy) {
      Validations.of(defaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'xray:PutTraceSegments and xray:PutTelemetryRecords, added by active tracing, support no resource-level permissions: X-Ray accepts only Resource "*" for them.',
      });
    }
  }
}
