/**
 * A fake AWS account for the preflight: STS, Lambda, CloudFormation, Service Quotas and API Gateway mocked at
 * the SDK clients (aws-sdk-client-mock), and preflight records built the same way for the
 * synth-side tests. No account exists here.
 */
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import { CloudFormationClient, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import {
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  GetAWSDefaultServiceQuotaCommand,
  GetServiceQuotaCommand,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import {
  PREFLIGHT_QUOTAS,
  PREFLIGHT_RECORD_VERSION,
  type PreflightRecord,
  preflightContextKey,
  type StageReservations,
} from '../../lib/preflight-record';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const KEY = preflightContextKey(ACCOUNT, REGION);

/** The account: its quota and what is deployed in it. */
export interface FakeAccount {
  /** Lambda's concurrency quota. */
  readonly limit: number;
  /** Stack -> function name -> its reserved concurrency (undefined: none). */
  readonly stacks?: Readonly<Record<string, Readonly<Record<string, number | undefined>>>>;
  /** Reserved by functions outside any of `stacks`. @default 0 */
  readonly otherReserved?: number;
  /** Service Quotas: `denied` answers AccessDenied; `default` has no applied values. @default 'applied' */
  readonly serviceQuotas?: 'applied' | 'default' | 'denied';
  /**
   * The Region's API Gateway CloudWatch role: its ARN, none set, or `denied` (AccessDenied).
   * @default 'none'
   */
  readonly apiGatewayRole?: string;
}

/** The mocked clients; {@link mockAccount} programs them, `reset()` clears them. */
export function accountMocks() {
  const mocks = {
    sts: mockClient(STSClient),
    lambda: mockClient(LambdaClient),
    cloudFormation: mockClient(CloudFormationClient),
    serviceQuotas: mockClient(ServiceQuotasClient),
    apiGateway: mockClient(APIGatewayClient),
    reset: () => {
      for (const mock of [
        mocks.sts,
        mocks.lambda,
        mocks.cloudFormation,
        mocks.serviceQuotas,
        mocks.apiGateway,
      ])
        mock.reset();
    },
  };
  return mocks;
}

const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });

/** Programs the mocks to answer like `account`. */
export function mockAccount(mocks: ReturnType<typeof accountMocks>, account: FakeAccount): void {
  const stacks = account.stacks ?? {};
  const inStacks = Object.values(stacks)
    .flatMap((fns) => Object.values(fns))
    .reduce<number>((sum, n) => sum + (n ?? 0), 0);
  const reserved = inStacks + (account.otherReserved ?? 0);
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  mocks.lambda.on(GetAccountSettingsCommand).resolves({
    AccountLimit: {
      ConcurrentExecutions: account.limit,
      UnreservedConcurrentExecutions: account.limit - reserved,
    },
  });
  mocks.cloudFormation
    .on(ListStackResourcesCommand)
    .rejects(awsError('ValidationError', 'Stack with id X does not exist'));
  for (const [stackName, functions] of Object.entries(stacks)) {
    mocks.cloudFormation.on(ListStackResourcesCommand, { StackName: stackName }).resolves({
      StackResourceSummaries: [
        ...Object.keys(functions).map((name) => ({
          LogicalResourceId: `Fn${name}`,
          PhysicalResourceId: name,
          ResourceType: 'AWS::Lambda::Function',
          ResourceStatus: 'CREATE_COMPLETE' as const,
          LastUpdatedTimestamp: new Date(0),
        })),
        {
          LogicalResourceId: 'Queue',
          PhysicalResourceId: 'https://sqs/queue',
          ResourceType: 'AWS::SQS::Queue',
          ResourceStatus: 'CREATE_COMPLETE' as const,
          LastUpdatedTimestamp: new Date(0),
        },
      ],
    });
    for (const [name, value] of Object.entries(functions)) {
      mocks.lambda
        .on(GetFunctionConcurrencyCommand, { FunctionName: name })
        .resolves(value === undefined ? {} : { ReservedConcurrentExecutions: value });
    }
  }
  const role = account.apiGatewayRole ?? 'none';
  if (role === 'denied')
    mocks.apiGateway.on(GetAccountCommand).rejects(awsError('AccessDeniedException', 'no'));
  else mocks.apiGateway.on(GetAccountCommand).resolves(role === 'none' ? {} : { cloudwatchRoleArn: role });
  const mode = account.serviceQuotas ?? 'applied';
  const value = (code: string) =>
    code === 'L-B99A9384' ? account.limit : code === 'L-8A5B8E43' ? 10_000 : 5000;
  if (mode === 'denied') {
    mocks.serviceQuotas.onAnyCommand().rejects(awsError('AccessDeniedException', 'not authorized'));
    return;
  }
  for (const quota of PREFLIGHT_QUOTAS) {
    const ids = { ServiceCode: quota.serviceCode, QuotaCode: quota.quotaCode };
    const answer = { Quota: { ...ids, QuotaName: quota.name, Value: value(quota.quotaCode) } };
    if (mode === 'applied') mocks.serviceQuotas.on(GetServiceQuotaCommand, ids).resolves(answer);
    else
      mocks.serviceQuotas
        .on(GetServiceQuotaCommand, ids)
        .rejects(awsError('NoSuchResourceException', 'none'));
    mocks.serviceQuotas.on(GetAWSDefaultServiceQuotaCommand, ids).resolves(answer);
  }
}

/** A record as the preflight would write it, for synth-side tests. */
export function preflightRecord(
  limit: number,
  options: {
    readonly stages?: Readonly<Record<string, StageReservations>>;
    readonly reservedElsewhere?: number;
    readonly account?: string;
    readonly region?: string;
    /** The Region's API Gateway CloudWatch role as read (null: none set). @default - not recorded */
    readonly apiGatewayRole?: string | null;
  } = {},
): PreflightRecord {
  const stages = options.stages ?? {};
  const byStages = Object.values(stages).reduce((sum, s) => sum + s.reservedConcurrency, 0);
  return {
    version: PREFLIGHT_RECORD_VERSION,
    account: options.account ?? ACCOUNT,
    region: options.region ?? REGION,
    readAt: '2026-01-15T10:00:00.000Z',
    lambda: {
      concurrencyLimit: limit,
      unreservedConcurrency: limit - byStages - (options.reservedElsewhere ?? 0),
    },
    stages,
    quotas: PREFLIGHT_QUOTAS.map((q) => ({ ...q, source: 'applied' as const, value: limit })),
    ...(options.apiGatewayRole === undefined
      ? {}
      : {
          apiGatewayAccount: options.apiGatewayRole
            ? { source: 'read' as const, cloudWatchRoleArn: options.apiGatewayRole }
            : { source: 'read' as const },
        }),
  };
}

/** A deployed stage reserving `reserved` in one function. */
export function deployedStage(reserved: number): StageReservations {
  return {
    deployed: true,
    reservedConcurrency: reserved,
    functions: reserved > 0 ? { processor: reserved } : {},
  };
}
