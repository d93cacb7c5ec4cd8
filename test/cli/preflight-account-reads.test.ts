/**
 * What `preflight` reads from an account: Lambda's concurrency, the stages' reservations and the
 * quotas, against fake accounts (SDK clients mocked: no AWS account here).
 */
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config';
import { assessReservations } from '../../lib/config-reservations';
import { PreflightReadError, readPreflightRecord } from '../../preflight/account-reads';
import { ACCOUNT, accountMocks, mockAccount, REGION } from '../support/preflight-account';

const mocks = accountMocks();
afterEach(() => mocks.reset());

const read = (stackNames: readonly string[] = ['AsyncEndpoints']) =>
  readPreflightRecord({ region: REGION, stackNames, now: () => new Date('2026-02-01T00:00:00Z') });
const defaultStage = resolveConfig({}).jobTypes;

describe('readPreflightRecord', () => {
  it.each([
    [10, 0, false],
    [1000, 900, true],
    [10_000, 9900, true],
  ])(
    'reads a quota of %i with no stage deployed: %i available to the default stage',
    async (limit, available, fits) => {
      mockAccount(mocks, { limit });
      const record = await read();
      expect(record).toEqual({
        version: 1,
        account: ACCOUNT,
        region: REGION,
        readAt: '2026-02-01T00:00:00.000Z',
        lambda: { concurrencyLimit: limit, unreservedConcurrency: limit },
        stages: { AsyncEndpoints: { deployed: false, reservedConcurrency: 0, functions: {} } },
        quotas: [
          {
            serviceCode: 'lambda',
            quotaCode: 'L-B99A9384',
            name: 'Concurrent executions',
            source: 'applied',
            value: limit,
          },
          {
            serviceCode: 'apigateway',
            quotaCode: 'L-8A5B8E43',
            name: 'Throttle rate',
            source: 'applied',
            value: 10_000,
          },
          {
            serviceCode: 'apigateway',
            quotaCode: 'L-CDF5615A',
            name: 'Throttle burst rate',
            source: 'applied',
            value: 5000,
          },
        ],
        apiGatewayAccount: { source: 'read' },
      });
      expect(assessReservations(record, 'AsyncEndpoints', defaultStage)).toMatchObject({
        needed: 20,
        available,
        fits,
      });
    },
  );

  it("sums the deployed stage's function reservations, skipping functions without one", async () => {
    mockAccount(mocks, {
      limit: 1000,
      stacks: { AsyncEndpoints: { 'echo-processor': 5, 'sleep-processor': 5, 'api-fn': undefined } },
    });
    const record = await read();
    expect(record.stages.AsyncEndpoints).toEqual({
      deployed: true,
      reservedConcurrency: 10,
      functions: { 'echo-processor': 5, 'sleep-processor': 5 },
    });
    expect(record.lambda).toEqual({ concurrencyLimit: 1000, unreservedConcurrency: 990 });
    // Updating the stage replaces its own reservations: they are not counted against it.
    expect(assessReservations(record, 'AsyncEndpoints', defaultStage)).toMatchObject({
      reservedByStage: 10,
      reservedByOthers: 0,
      available: 900,
      fits: true,
    });
  });

  it("counts other stacks' reservations against the stage", async () => {
    mockAccount(mocks, {
      limit: 10_000,
      stacks: { JobsProd: { 'prod-echo': 4000 } },
      otherReserved: 900,
    });
    const record = await read(['JobsDev', 'JobsProd']);
    expect(record.stages).toEqual({
      JobsDev: { deployed: false, reservedConcurrency: 0, functions: {} },
      JobsProd: { deployed: true, reservedConcurrency: 4000, functions: { 'prod-echo': 4000 } },
    });
    expect(assessReservations(record, 'JobsDev', defaultStage)).toMatchObject({
      reservedInAccount: 4900,
      reservedByOthers: 4900,
      available: 5000,
    });
    expect(assessReservations(record, 'JobsProd', defaultStage)).toMatchObject({
      reservedByStage: 4000,
      reservedByOthers: 900,
      available: 9000,
    });
  });

  it('reads the stages a function of the account names, once each', async () => {
    mockAccount(mocks, { limit: 1000, stacks: { Old: { f: 3 } } });
    const record = await readPreflightRecord({
      region: REGION,
      stackNames: (account) => (account === ACCOUNT ? ['New', 'Old', 'New'] : []),
    });
    expect(Object.keys(record.stages)).toEqual(['New', 'Old']);
    expect(mocks.lambda.commandCalls(GetFunctionConcurrencyCommand)).toHaveLength(1);
  });

  it('records quotas Service Quotas denies as unknown, with the reason, and still reads the rest', async () => {
    mockAccount(mocks, { limit: 10, serviceQuotas: 'denied' });
    const record = await read();
    expect(record.lambda.concurrencyLimit).toBe(10);
    expect(record.quotas.map((q) => [q.quotaCode, q.source, q.value])).toEqual([
      ['L-B99A9384', 'unknown', undefined],
      ['L-8A5B8E43', 'unknown', undefined],
      ['L-CDF5615A', 'unknown', undefined],
    ]);
    expect(record.quotas[0]?.reason).toBe('AccessDeniedException: not authorized');
  });

  it.each([
    [
      'a role set',
      'arn:aws:iam::123456789012:role/apigw-logs',
      { source: 'read', cloudWatchRoleArn: 'arn:aws:iam::123456789012:role/apigw-logs' },
    ],
    ['no role set', 'none', { source: 'read' }],
    ['GetAccount denied', 'denied', { source: 'unknown', reason: 'AccessDeniedException: no' }],
  ])("records the Region's API Gateway CloudWatch role: %s", async (_, apiGatewayRole, expected) => {
    mockAccount(mocks, { limit: 1000, apiGatewayRole });
    const record = await read();
    expect(record.apiGatewayAccount).toEqual(expected);
    expect(record.lambda.concurrencyLimit).toBe(1000);
  });

  it("falls back to AWS's default when a quota has no applied value", async () => {
    mockAccount(mocks, { limit: 1000, serviceQuotas: 'default' });
    const record = await read();
    expect(record.quotas.map((q) => [q.quotaCode, q.source, q.value])).toEqual([
      ['L-B99A9384', 'default', 1000],
      ['L-8A5B8E43', 'default', 10_000],
      ['L-CDF5615A', 'default', 5000],
    ]);
  });

  it('fails naming the read when the account or its Lambda settings cannot be read', async () => {
    mockAccount(mocks, { limit: 1000 });
    mocks.sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('no credentials'), { name: 'CredentialsProviderError' }));
    await expect(read()).rejects.toThrow(
      new PreflightReadError(
        'could not read the account (STS GetCallerIdentity): CredentialsProviderError: no credentials',
      ),
    );
    mocks.reset();
    mockAccount(mocks, { limit: 1000 });
    mocks.lambda
      .on(GetAccountSettingsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(read()).rejects.toThrow(
      /could not read Lambda's account settings in eu-west-1 \(GetAccountSettings\): AccessDeniedException: denied/,
    );
  });
});
