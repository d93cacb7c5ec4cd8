/**
 * Benchmark 1, AWS requests per job and dollars per million jobs.
 *
 * Every SDK client of the local system (each Lambda component's and the event sources') gets a
 * counting middleware. For each outcome (success: echo; retried success: flaky failTimes 1;
 * permanent failure: fail permanent) N jobs are submitted over HTTP and the run ends when the
 * job type's event source has deleted N messages. Status polls are counted apart, afterwards
 * (one GET per job, which also checks every job ended as expected). Then the plain sample
 * (SendMessage, event source, one PutItem) runs the same N jobs against the same emulators.
 * The counts are priced with the dated price table, side by side with Step Functions Standard.
 * Last, sleep jobs of 1 s and 60 s run at the default settings, to count and price the cancel
 * checks a running job makes (`cancelCheckSeconds`: reads of its cancel flag between renewals).
 *
 *   npm run bench -- --only requests [--quick] [--jobs N] [--clients C] [--longJobs N] [--runningOnly 1]
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { startEventSource } from '../local/event-source';
import type { LocalProcessor } from '../local/local-system';
import { batchHandler, plainProcessRecord } from './support/bare-handlers';
import { type CancelCheckCost, cancelCheckCost } from './support/cancel-check-cost';
import {
  AWS_DURATION_ASSUMPTIONS,
  type CostBreakdown,
  costPerMillionJobs,
  STEP_FUNCTIONS_WORKFLOW,
  stepFunctionsCostPerMillionJobs,
  stepFunctionsTransitions,
} from './support/cost-model';
import {
  ownDocumentClient,
  ownSqsClient,
  pool,
  startBenchSystem,
  submitOverHttp,
  waitFor,
} from './support/local';
import { runAsMain } from './support/main';
import { benchPrices } from './support/prices';
import { progress } from './support/progress';
import type { Benchmark, TargetCheck } from './support/report';
import { setting } from './support/report';
import { RequestCounter } from './support/request-counter';
import {
  FULL_BATCH,
  figuresOf,
  type Invocation,
  type PhaseFigures,
  timed,
  usageOf,
} from './support/request-phases';
import { dollars, round } from './support/stats';

interface Outcome {
  readonly name: 'success' | 'retried' | 'permanent';
  readonly jobName: string;
  readonly input: (index: number) => unknown;
  readonly expectedStatus: string;
}

const OUTCOMES: readonly Outcome[] = [
  { name: 'success', jobName: 'echo', input: (n) => ({ n }), expectedStatus: 'Completed' },
  { name: 'retried', jobName: 'flaky', input: () => ({ failTimes: 1 }), expectedStatus: 'Completed' },
  { name: 'permanent', jobName: 'fail', input: () => ({ permanent: true }), expectedStatus: 'Failed' },
];

/**
 * Running jobs whose cancel checks are priced: sleep (io, batches of 10) for 1 s and 60 s. The
 * sleep job type's timeout is raised for the run, so a 60 s job is not cut off.
 */
const RUNNING = [
  { name: 'running1s', ms: 1_000 },
  { name: 'running60s', ms: 60_000 },
] as const;
const RUNNING_CONFIG = { jobTypes: { sleep: { timeoutSeconds: 120 } } };

const roundCost = (cost: CostBreakdown) =>
  Object.fromEntries(Object.entries(cost).map(([part, usd]) => [part, round(usd, 3)]));

/** The requests and cost benchmark (`--only requests`). */
export const requestsPerJob: Benchmark = {
  name: 'requests',
  title: 'AWS requests and dollars per job',
  async run(options) {
    const jobs = setting(options, 'jobs', 1000, 200);
    const clients = setting(options, 'clients', 16, 16);
    // `--runningOnly 1`: only the running jobs' cancel checks (a few minutes less).
    const runningOnly = setting(options, 'runningOnly', 0, 0) > 0;
    const counter = new RequestCounter();
    let invocations: Invocation[] = [];
    const system = await startBenchSystem({
      counter,
      wrapProcessor: (_name, processor) => timed(() => invocations, processor),
      config: RUNNING_CONFIG,
    });
    const show = progress();
    const phases: Record<string, PhaseFigures> = {};
    const polls: Record<string, unknown> = {};
    // The plain sample on the same emulators: SendMessage; event source; one PutItem.
    const runPlainSample = async () => {
      const { QueueUrl: plainUrl } = await system.sqs.client.send(
        new CreateQueueCommand({ QueueName: 'bench-plain-sample' }),
      );
      const { Attributes } = await system.sqs.client.send(
        new GetQueueAttributesCommand({ QueueUrl: plainUrl, AttributeNames: ['QueueArn'] }),
      );
      if (!plainUrl || !Attributes?.QueueArn) throw new Error('Could not create the plain sample queue');
      counter.reset();
      invocations = [];
      const plainSubmit = bareSubmitOnly(counter, system.sqs.endpoint, plainUrl);
      const echo = system.config.jobTypes.find((job) => job.name === 'echo');
      const plainSource = startEventSource({
        client: counter.attach(ownSqsClient(system.sqs.endpoint), 'plain-event-source'),
        queueUrl: plainUrl,
        queueArn: Attributes.QueueArn,
        batchSize: echo?.settings.batchSize ?? FULL_BATCH,
        maxBatchingWindowMs: 0,
        maxConcurrency: echo?.settings.maxConcurrency ?? 5,
        functionTimeoutMs: 30_000,
        functionName: 'plain-sample-consumer',
        handler: timed(
          () => invocations,
          batchHandler(
            plainProcessRecord({
              documentClient: counter.attach(ownDocumentClient(system.dynamodb.endpoint), 'plain-processor'),
              tableName: system.provisioned.tableName,
            }),
          ),
        ) as LocalProcessor,
      });
      const plainMs = await pool(
        jobs,
        clients,
        (index) => plainSubmit(index),
        (n) => show.update(`[requests] plain sample: submitted ${n}/${jobs}`),
      );
      await waitFor(
        () => plainSource.stats.messagesDeleted,
        jobs,
        (n) => show.update(`[requests] plain sample: done ${n}/${jobs}`),
      );
      phases.plainSample = figuresOf(
        counter.snapshot(),
        jobs,
        new Set(['plain-event-source']),
        invocations,
        plainMs,
      );
      await plainSource.stop();
    };
    try {
      for (const outcome of runningOnly ? [] : OUTCOMES) {
        const source = system.eventSources[outcome.jobName];
        if (!source) throw new Error(`No event source for ${outcome.jobName}`);
        const before = source.stats.messagesDeleted;
        counter.reset();
        invocations = [];
        const label = `[requests] ${outcome.name} (${outcome.jobName})`;
        const submitted = await submitOverHttp(
          system.url,
          outcome.jobName,
          jobs,
          clients,
          outcome.input,
          (n) => show.update(`${label}: submitted ${n}/${jobs}`),
        );
        await waitFor(
          () => source.stats.messagesDeleted - before,
          jobs,
          (n) => show.update(`${label}: submitted ${jobs}/${jobs}, done ${n}/${jobs}`),
        );
        const counts = counter.snapshot();
        phases[outcome.name] = figuresOf(
          counts,
          jobs,
          new Set(['event-source']),
          invocations,
          submitted.latenciesMs,
        );

        // One status poll per job, counted apart; it also checks every job ended as expected.
        counter.reset();
        const wrong: string[] = [];
        await pool(submitted.ids.length, clients, async (index) => {
          const id = submitted.ids[index] as string;
          const job = (await (await fetch(`${system.url}/jobs/${id}`)).json()) as { status?: string };
          if (job.status !== outcome.expectedStatus) wrong.push(`${id}: ${job.status}`);
        });
        if (wrong.length > 0) {
          throw new Error(
            `${wrong.length} ${outcome.name} jobs did not end ${outcome.expectedStatus}: ${wrong[0]}`,
          );
        }
        const pollCounts = counter.snapshot()['get-job'] ?? {};
        polls[outcome.name] = Object.fromEntries(
          Object.entries(pollCounts).map(([op, c]) => [
            op,
            { perPoll: round(c.attempts / jobs, 3), unitsPerPoll: round(c.capacityUnits / jobs, 3) },
          ]),
        );
      }

      // Running jobs: what their cancel checks add. A wave of io jobs runs in parallel.
      const sleepSource = system.eventSources.sleep;
      if (!sleepSource) throw new Error('No event source for sleep');
      for (const running of RUNNING) {
        const count =
          running.ms > 10_000
            ? setting(options, 'longJobs', 50, 20)
            : setting(options, 'jobs', 1000, 200) / 5;
        const before = sleepSource.stats.messagesDeleted;
        counter.reset();
        invocations = [];
        const label = `[requests] ${running.name} (sleep ${running.ms} ms)`;
        const submitted = await submitOverHttp(
          system.url,
          'sleep',
          count,
          clients,
          () => ({ ms: running.ms }),
          (n) => show.update(`${label}: submitted ${n}/${count}`),
        );
        await waitFor(
          () => sleepSource.stats.messagesDeleted - before,
          count,
          (n) => show.update(`${label}: submitted ${count}/${count}, done ${n}/${count}`),
        );
        phases[running.name] = figuresOf(
          counter.snapshot(),
          count,
          new Set(['event-source']),
          invocations,
          submitted.latenciesMs,
        );
      }

      if (!runningOnly) await runPlainSample();
    } finally {
      show.done();
      await system.stop();
    }

    const prices = benchPrices();
    const memoryOf = (name: string) =>
      system.config.jobTypes.find((job) => job.name === name)?.settings.memoryMiB ?? 512;
    const cancelChecks = Object.fromEntries(
      RUNNING.map((running) => [
        running.name,
        cancelCheckCost(phases[running.name] as PhaseFigures, running.ms, memoryOf('sleep'), prices),
      ]),
    );
    const cancelCheckTargets = RUNNING.map((running): TargetCheck => {
      const c = cancelChecks[running.name] as CancelCheckCost;
      return {
        name: `cancel checks' share of a ${running.ms / 1000} s job's cost`,
        value: c.percentOfJobCost,
        target: '<= 5 %',
        ok: c.percentOfJobCost <= 5,
        unit: '%',
      };
    });
    const cancelCheckLines = RUNNING.map((running) => {
      const c = cancelChecks[running.name] as CancelCheckCost;
      return (
        `${`${running.ms / 1000} s job`.padEnd(12)} ${c.checksPerJob} cancel checks/job ` +
        `(${c.readUnitsPerJob} RRU): +${dollars(c.usdPerMillionJobs)}/M jobs, ` +
        `+${c.percentOfJobCost} % of the job's cost (${dollars(c.jobCostPerMillion)}/M), ` +
        `+${c.percentOfPlatformOverhead} % of the platform overhead (${dollars(c.platformOverheadPerMillion)}/M)`
      );
    });
    const settings = {
      jobs,
      clients,
      dynamodb: system.dynamodb.kind,
      sqs: system.sqs.name,
      prices: { asOf: prices.asOf, source: prices.source },
      awsDurations: AWS_DURATION_ASSUMPTIONS,
    };
    if (runningOnly) {
      return {
        settings,
        figures: { phases, costs: { cancelChecks }, prices },
        summary: cancelCheckLines,
        targets: cancelCheckTargets,
      };
    }
    const costs: Record<string, unknown> = { cancelChecks };
    for (const outcome of OUTCOMES) {
      const f = phases[outcome.name] as PhaseFigures;
      const attempts = outcome.name === 'retried' ? 2 : 1;
      const ours = costPerMillionJobs(usageOf(f, memoryOf(outcome.jobName), true), prices);
      const measured = costPerMillionJobs(usageOf(f, memoryOf(outcome.jobName), false), prices);
      const stepFunctions = stepFunctionsCostPerMillionJobs(attempts, prices);
      costs[outcome.name] = {
        ours: roundCost(ours),
        oursAsMeasured: roundCost(measured),
        stepFunctions: roundCost(stepFunctions),
        stepFunctionsTransitions: stepFunctionsTransitions(attempts),
        oursOverStepFunctions: round(ours.total / stepFunctions.total, 3),
      };
    }
    const plain = phases.plainSample as PhaseFigures;
    const plainCost = costPerMillionJobs(usageOf(plain, memoryOf('echo'), true), prices);
    costs.plainSample = { ours: roundCost(plainCost) };

    const success = phases.success as PhaseFigures;
    const successCost = costs.success as { ours: CostBreakdown; oursOverStepFunctions: number };
    const targets: TargetCheck[] = [
      {
        name: 'data-plane requests per successful job (batches of 10)',
        value: success.atFullBatchesPerJob,
        target: '<= 4.5',
        ok: success.atFullBatchesPerJob <= 4.5,
        unit: 'requests',
      },
      {
        name: 'platform overhead per million successful jobs (REST API)',
        value: successCost.ours.total,
        target: '<= $7',
        ok: successCost.ours.total <= 7,
        unit: 'USD',
      },
      {
        name: 'ours / Step Functions Standard, success',
        value: successCost.oursOverStepFunctions,
        target: `<= ${round(1 / 15, 3)}`,
        ok: successCost.oursOverStepFunctions <= 1 / 15,
        unit: 'ratio',
      },
      ...cancelCheckTargets,
    ];
    const line = (name: string, f: PhaseFigures) =>
      `${name.padEnd(12)} ${String(f.atFullBatchesPerJob).padStart(6)} req/job at batches of 10 ` +
      `(${f.measuredPerJob} as run, ${f.messagesPerReceive} msgs/receive), ` +
      `${f.writeUnitsPerJob} WRU/job (${f.indexWriteUnitsPerJob} on indexes)`;
    const costLine = (name: string) => {
      const c = costs[name] as { ours: CostBreakdown; stepFunctions?: CostBreakdown };
      return (
        `${name.padEnd(12)} ${dollars(c.ours.total)}/M jobs` +
        (c.stepFunctions ? ` vs Step Functions ${dollars(c.stepFunctions.total)}/M` : '')
      );
    };
    return {
      settings,
      figures: {
        phases,
        polls,
        costs,
        stepFunctionsWorkflow: STEP_FUNCTIONS_WORKFLOW,
        prices,
      },
      summary: [
        ...OUTCOMES.map((o) => line(o.name, phases[o.name] as PhaseFigures)),
        line('plain sample', plain),
        ...[...OUTCOMES.map((o) => o.name), 'plainSample'].map(costLine),
        ...cancelCheckLines,
      ],
      targets,
    };
  },
};

/** The plain sample's submit: SendMessage only (its record is written on processing). */
function bareSubmitOnly(counter: RequestCounter, endpoint: string, queueUrl: string) {
  const client = counter.attach(ownSqsClient(endpoint), 'plain-submit');
  return async (index: number) => {
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({ id: `plain-${index}-${Date.now()}`, input: { n: index } }),
      }),
    );
  };
}

if (require.main === module) runAsMain(requestsPerJob);
