/**
 * The smoke test's orchestration, offline: AWS mocked with aws-sdk-client-mock, the toolkit and
 * preflight stubbed, interrupts fired through an injected signal source.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobsClient } from '../../client';
import { awsClients } from '../../cloud-test/aws-clients';
import { NO_CREDENTIALS_MESSAGE, NO_REGION_MESSAGE } from '../../cloud-test/caller';
import { CloudTestExit } from '../../cloud-test/exit-codes';
import { type CloudTestDeps, runCloudTest } from '../../cloud-test/run-cloud-test';
import type { Scenario } from '../../cloud-test/scenarios';
import { isSmokeStackName } from '../../cloud-test/smoke-stage';
import type { Toolkit } from '../../cloud-test/toolkit';
import {
  ALARM,
  LOG_BUCKET,
  manualSignals,
  mockAws,
  OUTPUT_VALUES,
  PAYLOAD_BUCKET,
  REGION,
  recordingRunner,
  recordingToolkit,
} from './fakes';

const STACK = 'AsyncEndpointsSmoke-tb2k1q-x7f';
let restore = () => {};
afterEach(() => restore());

/** A run wired to fakes; `overrides` replace parts of it. */
function setup(
  options: { toolkit?: Partial<Toolkit>; scenarios?: Scenario[]; deps?: Partial<CloudTestDeps> } = {},
) {
  const events: string[] = [];
  const aws = mockAws(events);
  restore = aws.restore;
  const err: string[] = [];
  // Every printed line, multi-line texts split.
  const out: string[] = [];
  const signals = manualSignals();
  const toolkit = recordingToolkit(events, options.toolkit);
  const scenarios =
    options.scenarios ??
    ['first', 'second'].map((name) => ({
      name,
      run: async () => {
        events.push(`scenario ${name}`);
        return `${name} done`;
      },
    }));
  let clock = 1_800_000_000_000;
  const deps: CloudTestDeps = {
    region: REGION,
    clients: awsClients(REGION),
    toolkit,
    run: recordingRunner(events),
    signals,
    out: (text) => out.push(...text.split('\n')),
    err: (text) => err.push(text),
    makeClient: (url, region) => {
      events.push(`client ${url} ${region}`);
      return {} as JobsClient;
    },
    scenarios,
    stackName: STACK,
    now: () => (clock += 250),
    settle: { sleep: async () => {} },
    ...options.deps,
  };
  return { deps, events, out, err, signals, toolkit, aws };
}

const PREFLIGHT = `run npx --no async-endpoints preflight --stack ${STACK} --region ${REGION}`;
const TEARDOWN = [`empty ${PAYLOAD_BUCKET} (1)`, `empty ${LOG_BUCKET} (3)`, `destroy ${STACK}`];

describe('runCloudTest', () => {
  it('runs preflight, deploy, the scenarios, alarm delivery and the dashboard in order, then destroys the stage', async () => {
    const { deps, events, out, err } = setup();
    expect(await runCloudTest(deps), out.join('\n')).toBe(CloudTestExit.Passed);
    expect(events).toEqual([
      PREFLIGHT,
      `deploy ${STACK}`,
      `client ${OUTPUT_VALUES.ApiUrl} ${REGION}`,
      'scenario first',
      'scenario second',
      `create queue ${STACK}_alarm_probe`,
      'subscribe',
      `set ${ALARM} ALARM`,
      'unsubscribe',
      'delete queue',
      'get dashboard',
      ...TEARDOWN,
    ]);
    expect(err).toEqual([]);
    const summary = out.slice(out.indexOf('Summary:'));
    expect(
      summary.slice(1, 7).map((line) =>
        line
          .trim()
          .split(/\s{2,}/)
          .slice(0, 2),
      ),
    ).toEqual([
      ['ok', 'preflight'],
      ['ok', 'deploy'],
      ['ok', 'first'],
      ['ok', 'second'],
      ['ok', 'alarm delivery'],
      ['ok', 'dashboard'],
    ]);
    // Each line carries its duration (the fake clock ticks 250 ms per reading).
    for (const line of summary.slice(1, 7)) expect(line).toMatch(/\d+\.\d s/);
    expect(out.at(-1)).toMatch(new RegExp(`ok +teardown .*stack ${STACK} deleted after emptying 2 bucket`));
  });

  it('names a new stage validly when no name is given', async () => {
    const { deps, events } = setup({ deps: { stackName: undefined } });
    expect(await runCloudTest(deps)).toBe(CloudTestExit.Passed);
    const deployed = events.find((e) => e.startsWith('deploy '))?.slice('deploy '.length) ?? '';
    expect(isSmokeStackName(deployed)).toBe(true);
    expect(events).toContain(`destroy ${deployed}`);
  });

  it('goes on after a failing scenario, reports it, destroys the stage and exits 1', async () => {
    const failing: Scenario = {
      name: 'broken',
      run: async () => {
        throw new Error('echo job j-1 ended Failed');
      },
    };
    const { deps, events, out } = setup({ scenarios: [failing] });
    expect(await runCloudTest(deps)).toBe(CloudTestExit.Failed);
    expect(events).toContain('get dashboard');
    expect(events.slice(-3)).toEqual(TEARDOWN);
    expect(out).toContainEqual(expect.stringMatching(/^ {2}FAILED {2}broken .*echo job j-1 ended Failed$/));
  });

  it('skips the checks when the deploy fails, and still destroys what was created', async () => {
    const { deps, events, out } = setup({
      toolkit: {
        deploy: async () => {
          throw new Error('cdk deploy exited with 1:\nResource handler returned message: "Rate exceeded"');
        },
      },
    });
    expect(await runCloudTest(deps)).toBe(CloudTestExit.Failed);
    expect(events).toEqual([PREFLIGHT, `deploy ${STACK}`, ...TEARDOWN]);
    const summary = out.slice(out.indexOf('Summary:'));
    expect(summary).toContainEqual(expect.stringMatching(/FAILED {2}deploy .*cdk deploy exited with 1/));
    expect(summary).toContainEqual(expect.stringMatching(/skipped {1}dashboard +the deploy failed/));
  });

  it('stops before deploying when preflight refuses, with its message', async () => {
    const { deps, events, out } = setup({
      deps: { run: recordingRunner([], 1, 'Lambda concurrency quota 10; this stage reserves 20.') },
    });
    expect(await runCloudTest(deps)).toBe(CloudTestExit.NotStarted);
    expect(events).toEqual([]);
    expect(out.join('\n')).toContain('Lambda concurrency quota 10; this stage reserves 20.');
  });

  it('refuses in one sentence, and does nothing else, without credentials', async () => {
    const { deps, events, out, err, aws } = setup();
    aws.sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    expect(await runCloudTest(deps)).toBe(CloudTestExit.NotStarted);
    expect(err).toEqual([NO_CREDENTIALS_MESSAGE]);
    expect([events, out]).toEqual([[], []]);
  });

  it('refuses in one sentence without a Region', async () => {
    const { deps, events, err } = setup({ deps: { region: undefined } });
    expect(await runCloudTest(deps)).toBe(CloudTestExit.NotStarted);
    expect(err).toEqual([NO_REGION_MESSAGE]);
    expect(events).toEqual([]);
  });

  it.each([
    ['SIGINT', CloudTestExit.Interrupted],
    ['SIGTERM', CloudTestExit.Terminated],
  ] as const)('on %s stops the running step, destroys the stage once, and exits %i', async (signal, code) => {
    let fire = (_: typeof signal) => {};
    const hanging: Scenario = {
      name: 'hangs',
      run: () => {
        fire(signal);
        return new Promise(() => {}); // ignores the abort: the run must not wait for it
      },
    };
    const { deps, events, out, err, signals, toolkit } = setup({
      scenarios: [hanging],
      toolkit: { destroy: async () => signals.fire(signal) }, // a second signal during teardown
    });
    fire = signals.fire;
    expect(await runCloudTest(deps)).toBe(code);
    expect(toolkit.destroys).toBe(1);
    expect(events).not.toContain('subscribe'); // the alarm check was skipped
    expect(events.slice(-3)).toEqual(TEARDOWN);
    expect(out).toContainEqual(
      expect.stringMatching(new RegExp(`FAILED {2}hangs .*interrupted \\(${signal}\\)`)),
    );
    expect(out).toContainEqual(expect.stringMatching(/skipped {1}alarm delivery +interrupted/));
    expect(err[0]).toBe(`${signal}: stopping, then destroying ${STACK}.`);
    expect(err[1]).toMatch(new RegExp(`^Teardown of ${STACK} is in progress`));
    expect(err).toHaveLength(2);
  });

  it('lets an interrupted deploy finish stopping before it looks at the stack', async () => {
    const signals = manualSignals();
    const { deps, events } = setup({
      deps: { signals },
      toolkit: {
        deploy: (_, signal) =>
          new Promise((_, reject) => {
            // The CLI takes a moment to exit after its SIGINT.
            signal?.addEventListener('abort', () =>
              setTimeout(() => {
                events.push('deploy stopped');
                reject(new Error('cdk deploy exited with 130'));
              }, 50),
            );
            signals.fire('SIGINT');
          }),
      },
    });
    expect(await runCloudTest(deps)).toBe(CloudTestExit.Interrupted);
    expect(events).toEqual([PREFLIGHT, `deploy ${STACK}`, 'deploy stopped', ...TEARDOWN]);
  });

  it('on Ctrl-C during preflight deploys nothing and destroys nothing', async () => {
    const signals = manualSignals();
    const { deps, events } = setup({
      deps: {
        signals,
        run: async () => {
          signals.fire('SIGINT');
          return new Promise(() => {});
        },
      },
    });
    expect(await runCloudTest(deps)).toBe(CloudTestExit.Interrupted);
    expect(events).toEqual([]);
  });

  it('prints the exact command that finishes the teardown when the stage cannot be deleted', async () => {
    const { deps, err, toolkit } = setup({
      toolkit: {
        destroy: async () => {
          throw new Error('cdk destroy exited with 1');
        },
      },
    });
    expect(await runCloudTest(deps)).toBe(CloudTestExit.TeardownFailed);
    expect(toolkit.destroys).toBe(3);
    expect(err).toEqual([
      `The stage ${STACK} was not destroyed. Finish the teardown with: npm run test:cloud -- --teardown ${STACK} --region ${REGION}`,
    ]);
  });
});
