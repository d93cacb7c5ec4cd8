/**
 * What `preflight` reads from AWS, with the standard credential chain: the account (STS), its
 * Lambda concurrency (`GetAccountSettings`), the reservations of this project's stages (their
 * functions from CloudFormation `ListStackResources`, each one's `GetFunctionConcurrency`) and
 * the quotas of {@link PREFLIGHT_QUOTAS} (Service Quotas; an unreadable one is recorded as
 * unknown, not an error) and the Region's API Gateway CloudWatch role (`GetAccount`, likewise).
 */
import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import {
  CloudFormationClient,
  ListStackResourcesCommand,
  type ListStackResourcesCommandOutput,
} from '@aws-sdk/client-cloudformation';
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
import {
  type ApiGatewayAccountReading,
  PREFLIGHT_QUOTAS,
  PREFLIGHT_RECORD_VERSION,
  type PreflightRecord,
  type QuotaId,
  type QuotaReading,
  type StageReservations,
} from '../lib/preflight-record';

/** A read the preflight cannot do without (the account, its Lambda settings, a stack's functions). */
export class PreflightReadError extends Error {
  override readonly name = 'PreflightReadError';
}

/** What to read. */
export interface PreflightReadInput {
  /** The Region; the clients are made for it. */
  readonly region: string;
  /**
   * The stacks whose reservations to read (the stage's own first), or a function of the account
   * giving them (the stages an earlier record of that account named).
   */
  readonly stackNames: readonly string[] | ((account: string) => readonly string[]);
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/**
 * Reads the account and Region into a {@link PreflightRecord}.
 * @throws PreflightReadError naming the read that failed and why (credentials, permissions, network)
 */
export async function readPreflightRecord({
  region,
  stackNames,
  now = () => new Date(),
}: PreflightReadInput): Promise<PreflightRecord> {
  const sts = new STSClient({ region });
  const lambda = new LambdaClient({ region });
  const cloudFormation = new CloudFormationClient({ region });
  const serviceQuotas = new ServiceQuotasClient({ region });
  const apiGateway = new APIGatewayClient({ region });
  try {
    const [account, settings] = await Promise.all([
      must('read the account (STS GetCallerIdentity)', async () => {
        const { Account } = await sts.send(new GetCallerIdentityCommand({}));
        if (!Account) throw new Error('no Account in the answer');
        return Account;
      }),
      must(`read Lambda's account settings in ${region} (GetAccountSettings)`, async () => {
        const { AccountLimit } = await lambda.send(new GetAccountSettingsCommand({}));
        const concurrencyLimit = AccountLimit?.ConcurrentExecutions;
        const unreservedConcurrency = AccountLimit?.UnreservedConcurrentExecutions;
        if (concurrencyLimit === undefined || unreservedConcurrency === undefined)
          throw new Error('no AccountLimit concurrency in the answer');
        return { concurrencyLimit, unreservedConcurrency };
      }),
    ]);
    const stages: Record<string, StageReservations> = {};
    const names = typeof stackNames === 'function' ? stackNames(account) : stackNames;
    for (const stackName of new Set(names)) {
      stages[stackName] = await readStageReservations(cloudFormation, lambda, stackName);
    }
    const [quotas, apiGatewayAccount] = await Promise.all([
      Promise.all(PREFLIGHT_QUOTAS.map((quota) => readQuota(serviceQuotas, quota))),
      readApiGatewayAccount(apiGateway),
    ]);
    return {
      version: PREFLIGHT_RECORD_VERSION,
      account,
      region,
      readAt: now().toISOString(),
      lambda: settings,
      stages,
      quotas,
      apiGatewayAccount,
    };
  } finally {
    for (const client of [sts, lambda, cloudFormation, serviceQuotas, apiGateway]) client.destroy();
  }
}

/** One stage's functions and their reservations; a stack that does not exist is not deployed. */
async function readStageReservations(
  cloudFormation: CloudFormationClient,
  lambda: LambdaClient,
  stackName: string,
): Promise<StageReservations> {
  const functionNames = await must(`list the resources of stack ${stackName}`, async () => {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      let page: ListStackResourcesCommandOutput;
      try {
        page = await cloudFormation.send(new ListStackResourcesCommand({ StackName: stackName, NextToken }));
      } catch (error) {
        // CloudFormation's answer for a stack that is not there (never deployed, or deleted).
        if (/does not exist/.test((error as Error).message ?? '')) return undefined;
        throw error;
      }
      for (const resource of page.StackResourceSummaries ?? []) {
        if (
          resource.ResourceType === 'AWS::Lambda::Function' &&
          resource.PhysicalResourceId &&
          !resource.ResourceStatus?.startsWith('DELETE_')
        ) {
          names.push(resource.PhysicalResourceId);
        }
      }
      NextToken = page.NextToken;
    } while (NextToken);
    return names;
  });
  if (functionNames === undefined) return { deployed: false, reservedConcurrency: 0, functions: {} };
  const functions: Record<string, number> = {};
  for (const name of functionNames) {
    const reserved = await must(`read the reserved concurrency of function ${name}`, async () => {
      try {
        const answer = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: name }));
        return answer.ReservedConcurrentExecutions;
      } catch (error) {
        // Listed but gone (a failed create, a rollback in progress): it reserves nothing.
        if ((error as Error).name === 'ResourceNotFoundException') return undefined;
        throw error;
      }
    });
    if (reserved !== undefined) functions[name] = reserved;
  }
  const reservedConcurrency = Object.values(functions).reduce((sum, n) => sum + n, 0);
  return { deployed: true, reservedConcurrency, functions };
}

/**
 * The Region's API Gateway CloudWatch role (`GetAccount`), or unknown with the reason (e.g.
 * AccessDenied): like a quota, nice to know, never a reason to fail the preflight.
 */
async function readApiGatewayAccount(client: APIGatewayClient): Promise<ApiGatewayAccountReading> {
  try {
    const { cloudwatchRoleArn } = await client.send(new GetAccountCommand({}));
    return cloudwatchRoleArn ? { source: 'read', cloudWatchRoleArn: cloudwatchRoleArn } : { source: 'read' };
  } catch (error) {
    const { name, message } = error as Error;
    return { source: 'unknown', reason: `${name}: ${message}` };
  }
}

/** A quota's applied value, else AWS's default, else unknown with the reason. */
async function readQuota(client: ServiceQuotasClient, quota: QuotaId): Promise<QuotaReading> {
  const ids = { ServiceCode: quota.serviceCode, QuotaCode: quota.quotaCode };
  try {
    const { Quota } = await client.send(new GetServiceQuotaCommand(ids));
    if (Quota?.Value !== undefined) return { ...quota, source: 'applied', value: Quota.Value };
  } catch (error) {
    // No applied value: Service Quotas then knows only AWS's default.
    if ((error as Error).name !== 'NoSuchResourceException') return unknown(quota, error);
  }
  try {
    const { Quota } = await client.send(new GetAWSDefaultServiceQuotaCommand(ids));
    if (Quota?.Value !== undefined) return { ...quota, source: 'default', value: Quota.Value };
    return { ...quota, source: 'unknown', reason: 'Service Quotas returned no value' };
  } catch (error) {
    return unknown(quota, error);
  }
}

function unknown(quota: QuotaId, error: unknown): QuotaReading {
  const { name, message } = error as Error;
  return { ...quota, source: 'unknown', reason: `${name}: ${message}` };
}

async function must<T>(what: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const { name, message } = error as Error;
    throw new PreflightReadError(`could not ${what}: ${name}: ${message}`, { cause: error });
  }
}
