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
import {
  AWS_DURATION_ASSUMPTIONS,
  type CostBreakdown,
  costPerMillionJobs,
  type PlatformUsage,
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
import { PROJECTED_GET_ITEM, RequestCounter, type RequestCounts, total } from './support/request-counter';
import { dollars, median, round } from './support/stats';

/** JobApi's default memory for the API functions, MiB. */
const SUBMIT_MEMORY_MIB = 256;
/** Batch size the issue's targets amortise receives and deletes over. */
const FULL_BATCH = 10;

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

/** Per-job view of one outcome's counts. */
interface PhaseFigures {
  readonly jobs: number;
  /** "Service.Operation" -> billed requests per job (empty receives left out). */
  readonly requestsPerJob: Record<string, number>;
  /** Billed data-plane requests per job, with the local event source's batches as they came. */
  readonly measuredPerJob: number;
  /** The same with the event source's receives and deletes at full batches of 10. */
  readonly atFullBatchesPerJob: number;
  readonly emptyReceives: number;
  readonly deliveriesPerJob: number;
  readonly messagesPerReceive: number;
  readonly writeUnitsPerJob: number;
  /** The part of the write units spent on the table's global secondary indexes. */
  readonly indexWriteUnitsPerJob: number;
  readonly readUnitsPerJob: number;
  /** "Service.Operation" -> capacity units per job. */
  readonly unitsPerJob: Record<string, number>;
  readonly sdkRetries: number;
  readonly processorInvocationsPerJob: number;
  /** Local medians (emulators on a loaded machine): reported, not priced. */
  readonly processorMsMedian: number;
  readonly submitMsMedian: number;
}

interface Invocation {
  readonly ms: number;
  readonly records: number;
}

/** Logs each invocation's duration and size into the array `log()` returns at that moment. */
function timed(log: () => Invocation[], processor: LocalProcessor): LocalProcessor {
  return async (event, context) => {
    const t0 = performance.now();
    try {
      return await processor(event, context);
    } finally {
      log().push({ ms: performance.now() - t0, records: event.Records.length });
    }
  };
}

/** Folds one phase's counts into per-job figures. `sources` are the event-source components. */
function figuresOf(
  counts: RequestCounts,
  jobs: number,
  sources: ReadonlySet<string>,
  invocations: readonly Invocation[],
  submitMs: readonly number[],
): PhaseFigures {
  const requestsPerJob: Record<string, number> = {};
  const unitsPerJob: Record<string, number> = {};
  let emptyReceives = 0;
  let messages = 0;
  let sourceReceives = 0;
  let sourceDeletes = 0;
  for (const [component, byOperation] of Object.entries(counts)) {
    for (const [operation, count] of Object.entries(byOperation)) {
      const billed = operation === 'SQS.ReceiveMessage' ? count.attempts - count.empty : count.attempts;
      if (operation === 'SQS.ReceiveMessage') {
        emptyReceives += count.empty;
        if (sources.has(component)) {
          messages += count.messages;
          sourceReceives += billed;
        }
      }
      if (sources.has(component) && operation === 'SQS.DeleteMessageBatch') sourceDeletes += billed;
      requestsPerJob[operation] = (requestsPerJob[operation] ?? 0) + billed / jobs;
      if (count.capacityUnits > 0) {
        unitsPerJob[operation] = round((unitsPerJob[operation] ?? 0) + count.capacityUnits / jobs, 3);
      }
    }
  }
  const measured = Object.values(requestsPerJob).reduce((sum, value) => sum + value, 0);
  const fullBatchReceivesAndDeletes = (messages + jobs) / FULL_BATCH;
  const isWrite = (_: string, op: string) =>
    /PutItem|UpdateItem|DeleteItem|BatchWrite|TransactWrite/.test(op);
  const isRead = (_: string, op: string) => /GetItem|Query|Scan|BatchGet|TransactGet/.test(op);
  return {
    jobs,
    requestsPerJob: Object.fromEntries(Object.entries(requestsPerJob).map(([op, v]) => [op, round(v, 3)])),
    measuredPerJob: round(measured, 3),
    atFullBatchesPerJob: round(
      measured + (fullBatchReceivesAndDeletes - sourceReceives - sourceDeletes) / jobs,
      3,
    ),
    emptyReceives,
    deliveriesPerJob: round(messages / jobs, 3),
    messagesPerReceive: round(messages / Math.max(1, sourceReceives), 2),
    writeUnitsPerJob: round(total(counts, 'capacityUnits', isWrite) / jobs, 3),
    indexWriteUnitsPerJob: round(total(counts, 'indexCapacityUnits', isWrite) / jobs, 3),
    unitsPerJob,
    readUnitsPerJob: round(total(counts, 'capacityUnits', isRead) / jobs, 3),
    sdkRetries: total(counts, 'attempts') - total(counts, 'calls'),
    processorInvocationsPerJob: round(invocations.length / jobs, 3),
    processorMsMedian: round(median(invocations.map((i) => i.ms)), 1),
    submitMsMedian: round(median(submitMs), 1),
  };
}

/** Usage for the cost model; `fullBatches` amortises receives, deletes and invocations at 10. */
function usageOf(f: PhaseFigures, processorMemoryMiB: number, fullBatches: boolean): PlatformUsage {
  const sqs = Object.entries(f.requestsPerJob)
    .filter(([op]) => op.startsWith('SQS.'))
    .reduce((sum, [, v]) => sum + v, 0);
  const measuredSourceShare = f.measuredPerJob - f.atFullBatchesPerJob;
  return {
    apiRequests: 1,
    submitInvocations: 1,
    submitMs: AWS_DURATION_ASSUMPTIONS.submitMs,
    submitMemoryMiB: SUBMIT_MEMORY_MIB,
    sqsRequests: fullBatches ? sqs - measuredSourceShare : sqs,
    dynamoDbWriteUnits: f.writeUnitsPerJob,
    dynamoDbReadUnits: f.readUnitsPerJob,
    processorInvocations: fullBatches ? f.deliveriesPerJob / FULL_BATCH : f.processorInvocationsPerJob,
    processorMs: AWS_DURATION_ASSUMPTIONS.processorMsPerBatch,
    processorMemoryMiB,
  };
}

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

/** What a running job's cancel checks add, per million jobs. */
interface CancelCheckCost {
  /** Reads of the cancel flag per job, as counted. */
  readonly checksPerJob: number;
  /** Their read units per job, as the emulator reported them. */
  readonly readUnitsPerJob: number;
  /** Their price, USD per million jobs. */
  readonly usdPerMillionJobs: number;
  /** Of the whole job: platform overhead plus the processor's Lambda time running it. */
  readonly percentOfJobCost: number;
  /** Of the platform overhead alone (the processor priced at its 60 ms per batch, no job time). */
  readonly percentOfPlatformOverhead: number;
  readonly jobCostPerMillion: number;
  readonly platformOverheadPerMillion: number;
}

/**
 * Prices `f`'s cancel checks: the job's cost with and without their read units, at full
 * batches of 10, the processor billed `durationMs` (its records run in parallel) plus the
 * platform's share per batch.
 */
function cancelCheckCost(
  f: PhaseFigures,
  durationMs: number,
  memoryMiB: number,
  prices: ReturnType<typeof benchPrices>,
): CancelCheckCost {
  const checkUnits = f.unitsPerJob[PROJECTED_GET_ITEM] ?? 0;
  const overhead = usageOf(f, memoryMiB, true);
  const job = { ...overhead, processorMs: durationMs + AWS_DURATION_ASSUMPTIONS.processorMsPerBatch };
  const withoutChecks = (usage: PlatformUsage) =>
    costPerMillionJobs({ ...usage, dynamoDbReadUnits: usage.dynamoDbReadUnits - checkUnits }, prices).total;
  const jobCost = costPerMillionJobs(job, prices).total;
  const overheadCost = costPerMillionJobs(overhead, prices).total;
  const added = jobCost - withoutChecks(job);
  return {
    checksPerJob: round(f.requestsPerJob[PROJECTED_GET_ITEM] ?? 0, 2),
    readUnitsPerJob: round(checkUnits, 2),
    usdPerMillionJobs: round(added, 3),
    percentOfJobCost: round((100 * added) / withoutChecks(job), 2),
    percentOfPlatformOverhead: round((100 * added) / withoutChecks(overhead), 2),
    jobCostPerMillion: round(jobCost, 2),
    platformOverheadPerMillion: round(overheadCost, 2),
  };
}

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
