/**
 * The smoke test of a real deployment, in order:
 *
 * ```
 * credentials (STS) -> preflight -> deploy -> scenarios (SigV4) -> alarm delivery -> dashboard
 *   -> summary -> teardown (empty buckets, destroy)
 *                 ^ also after a failed step, and after Ctrl-C / SIGTERM (once)
 * ```
 *
 * Everything it talks to is injected ({@link CloudTestDeps}), so tests run it against mocked
 * AWS clients, a stub toolkit and preflight, and a signal source they fire by hand.
 */
import type { JobsClient } from '../client';
import { checkAlarmDelivery } from './alarm-delivery';
import type { AwsClients } from './aws-clients';
import { CannotStartError, checkCallerAndRegion } from './caller';
import type { CommandRunner } from './command-runner';
import { checkDashboard } from './dashboard-check';
import { CloudTestExit } from './exit-codes';
import { runPreflight } from './preflight';
import { SCENARIOS, type Scenario } from './scenarios';
import type { InterruptSignal, SignalSource } from './signals';
import { type SmokeStage, smokeStackName, smokeStage } from './smoke-stage';
import { listStackResources, physicalIdsOf, type SettleOptions } from './stack-resources';
import { formatRecord, formatSummary, StepLog } from './step-log';
import { probeQueueName, tearDown, teardownCommand } from './teardown';
import type { StackOutputs, Toolkit } from './toolkit';

/** The stack outputs the smoke test reads. */
export const OUTPUTS = {
  apiUrl: 'ApiUrl',
  payloadBucket: 'PayloadBucketName',
  dashboard: 'DashboardName',
  alarmTopic: 'AlarmTopicArn',
} as const;

/** Bounds of the waits. */
export interface CloudTestTimeouts {
  /** Each wait for a job or a listing in a scenario. @default 3 minutes */
  readonly jobMs?: number;
  /** The wait for the alarm notification. @default 5 minutes */
  readonly alarmMs?: number;
  /** Long-poll length of each receive of the alarm check, s. @default 20 */
  readonly alarmPollSeconds?: number;
}

/** Everything the smoke test talks to. */
export interface CloudTestDeps {
  /** The Region to deploy to; undefined when none is configured (the run refuses to start). */
  readonly region: string | undefined;
  /** AWS clients in that Region (only STS is used before the Region is checked). */
  readonly clients: AwsClients;
  readonly toolkit: Toolkit;
  /** Runs preflight. */
  readonly run: CommandRunner;
  readonly signals: SignalSource;
  /** Progress and the summary. */
  readonly out: (text: string) => void;
  /** Why the run cannot start, interrupts, teardown failures. */
  readonly err: (text: string) => void;
  /** A client of the deployed API. */
  readonly makeClient: (apiUrl: string, region: string) => JobsClient;
  /** @default {@link SCENARIOS} */
  readonly scenarios?: readonly Scenario[];
  /** @default a new {@link smokeStackName} */
  readonly stackName?: string;
  /** @default Date.now */
  readonly now?: () => number;
  readonly timeouts?: CloudTestTimeouts;
  /** How teardown waits for CloudFormation. */
  readonly settle?: SettleOptions;
  /** The app's directory, where preflight and the CDK CLI run. @default the working directory */
  readonly cwd?: string;
}

/** Runs the whole smoke test and returns the process exit code ({@link CloudTestExit}). */
export async function runCloudTest(deps: CloudTestDeps): Promise<CloudTestExit> {
  const { clients, out, err } = deps;
  try {
    const { region, ...caller } = await checkCallerAndRegion(clients.sts, deps.region);
    const stage = smokeStage(deps.stackName ?? smokeStackName(deps.now?.()), region);
    out(`Smoke test of stage ${stage.stackName} in ${region}, account ${caller.account} (${caller.arn})`);
    return await runStage(deps, stage);
  } catch (error) {
    if (!(error instanceof CannotStartError)) throw error;
    err(error.message);
    return CloudTestExit.NotStarted;
  }
}

async function runStage(deps: CloudTestDeps, stage: SmokeStage): Promise<CloudTestExit> {
  const { clients, out, err } = deps;
  // While it runs, a line per step started (a deploy takes minutes); the results in the summary.
  const log = new StepLog(deps.now, { onStart: (name) => out(`- ${name}...`) });
  const controller = new AbortController();
  const { signal } = controller;
  let interrupted: InterruptSignal | undefined;
  let deployStarted = false;
  let tearingDown = false;
  const unsubscribe = deps.signals.subscribe((received) => {
    if (interrupted) {
      err(
        tearingDown || deployStarted
          ? `Teardown of ${stage.stackName} is in progress; it ends by itself. (Stopping it leaves the stage: then run ${teardownCommand(stage)})`
          : 'Stopping; nothing was deployed.',
      );
      return;
    }
    interrupted = received;
    err(
      `${received}: stopping${deployStarted ? `, then destroying ${stage.stackName}` : '; nothing was deployed'}.`,
    );
    controller.abort(new Error(`interrupted (${received})`));
  });
  try {
    const fits = await log.run('preflight', () => runPreflight(deps.run, stage, withCwd(deps, signal)), {
      signal,
      detail: () => 'the stage fits this account',
    });
    if (fits === undefined) {
      out(formatSummary('Summary:', log.records));
      return interrupted ? interruptExit(interrupted) : CloudTestExit.NotStarted;
    }
    deployStarted = !signal.aborted;
    let deploying: Promise<unknown> = Promise.resolve();
    const outputs = await log.run(
      'deploy',
      () => {
        const deploy = deps.toolkit.deploy(stage, signal);
        deploying = deploy;
        return deploy;
      },
      {
        signal,
        detail: (o) => `API ${o[OUTPUTS.apiUrl] ?? '(no ApiUrl output)'}`,
      },
    );
    await runChecks(deps, stage, log, outputs, signal);
    out(formatSummary('Summary:', log.records));
    if (!deployStarted) return interrupted ? interruptExit(interrupted) : CloudTestExit.Failed;

    tearingDown = true;
    // An interrupted deploy is recorded at once, but the CLI may still be starting the stack's
    // creation: let it exit (its runner kills it within 30 s) before looking at the stack.
    await settledWithin(deploying, 60_000);
    const teardown = new StepLog(deps.now, {
      onStart: () => out(`- destroying ${stage.stackName}...`),
      onRecord: (record) => out(formatRecord(record)),
    });
    const done = await teardown.run(
      'teardown',
      () =>
        tearDown({
          clients,
          toolkit: deps.toolkit,
          stage,
          ...(outputs?.[OUTPUTS.payloadBucket] ? { payloadBucket: outputs[OUTPUTS.payloadBucket] } : {}),
          log: out,
          ...(deps.settle ? { settle: deps.settle } : {}),
        }),
      { detail: (account) => account },
    );
    if (done === undefined) {
      err(
        `The stage ${stage.stackName} was not destroyed. Finish the teardown with: ${teardownCommand(stage)}`,
      );
      return CloudTestExit.TeardownFailed;
    }
    if (interrupted) return interruptExit(interrupted);
    return log.allPassed ? CloudTestExit.Passed : CloudTestExit.Failed;
  } finally {
    unsubscribe();
  }
}

/** The scenarios, the alarm delivery and the dashboard; skipped when the deploy failed. */
async function runChecks(
  deps: CloudTestDeps,
  stage: SmokeStage,
  log: StepLog,
  outputs: StackOutputs | undefined,
  signal: AbortSignal,
): Promise<void> {
  const scenarios = deps.scenarios ?? SCENARIOS;
  const checks = [...scenarios.map((s) => s.name), 'alarm delivery', 'dashboard'];
  if (!outputs) {
    for (const name of checks) log.skip(name, signal.aborted ? 'interrupted' : 'the deploy failed');
    return;
  }
  const { clients, timeouts = {} } = deps;
  const jobMs = timeouts.jobMs ?? 3 * 60_000;
  const apiUrl = outputs[OUTPUTS.apiUrl];
  const client = apiUrl ? deps.makeClient(apiUrl, stage.region) : undefined;
  for (const scenario of scenarios) {
    await log.run(
      scenario.name,
      () => scenario.run({ client: required(client, OUTPUTS.apiUrl), timeoutMs: jobMs, signal }),
      { signal, detail: (account) => account },
    );
  }
  await log.run(
    'alarm delivery',
    async () => {
      const resources = await listStackResources(clients.cloudFormation, stage.stackName, signal);
      return checkAlarmDelivery({
        ...clients,
        topicArn: required(outputs[OUTPUTS.alarmTopic], OUTPUTS.alarmTopic),
        alarmNames: physicalIdsOf(resources, 'AWS::CloudWatch::Alarm'),
        queueName: probeQueueName(stage.stackName),
        ...(timeouts.alarmMs !== undefined ? { timeoutMs: timeouts.alarmMs } : {}),
        ...(timeouts.alarmPollSeconds !== undefined ? { pollSeconds: timeouts.alarmPollSeconds } : {}),
        ...(deps.now ? { now: deps.now } : {}),
        signal,
      });
    },
    { signal, detail: (account) => account },
  );
  await log.run(
    'dashboard',
    () => checkDashboard(clients.cloudWatch, required(outputs[OUTPUTS.dashboard], OUTPUTS.dashboard), signal),
    { signal, detail: (account) => account },
  );
}

/** @throws Error naming the missing stack output */
function required<T>(value: T | undefined, output: string): T {
  if (value === undefined) throw new Error(`The stack has no ${output} output`);
  return value;
}

function withCwd(deps: CloudTestDeps, signal: AbortSignal): { cwd?: string; signal: AbortSignal } {
  return { ...(deps.cwd ? { cwd: deps.cwd } : {}), signal };
}

/** Waits until `promise` settles, or `ms` have passed, whichever comes first; never rejects. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.then(noop, noop), timeout]);
  clearTimeout(timer);
}

function noop(): void {}

function interruptExit(signal: InterruptSignal): CloudTestExit {
  return signal === 'SIGINT' ? CloudTestExit.Interrupted : CloudTestExit.Terminated;
}
