/**
 * The plan as a readable report.
 */
import type { Plan } from './plan';
import { PRICES } from './price-table';

const n = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const usd = (value: number) => `$${n(value, value < 100 ? 2 : 0)}`;
const STATUS = { ok: 'ok      ', raise: 'RAISE   ', redesign: 'REDESIGN' } as const;

/** Renders `plan` as text, sections in the order an operator acts on them. */
export function formatPlan(plan: Plan): string {
  const { input, concurrency: c, settings: s, requests: r, cost } = plan;
  const lines: string[] = [];
  const out = (line = '') => lines.push(line);

  out(
    `Workload: ${n(input.ratePerMinute)} jobs/min of ${input.durationSeconds} s ${input.kind} jobs, ${n(input.payloadBytes)} B in, ${n(input.resultBytes)} B out`,
  );
  out();
  out("Concurrency (Little's law: in flight = arrival rate x time in the system)");
  out(`  arrivals            ${n(c.jobsPerSecond, 2)} jobs/s`);
  out(`  per invocation      ${c.secondsPerInvocation.toFixed(2)} s (the job + claim and outcome writes)`);
  out(
    `  jobs in flight      ${n(c.jobsInFlight, 1)} (= ${n(c.jobsPerSecond, 2)} x ${c.secondsPerInvocation.toFixed(2)})`,
  );
  out(
    `  jobs per invocation ${c.jobsPerInvocation} (${input.kind === 'cpu' ? 'CPU-bound: one job per invocation' : 'records of a batch run in parallel; a batch holds what arrives while the event source gathers'})`,
  );
  out(
    `  invocations         ${n(c.invocationsInFlight, 1)} on average; x ${c.headroom} headroom = ${n(c.invocationsNeeded)} to provision`,
  );
  out(
    '  (headroom absorbs bursts above the mean, retries and cold starts: two thirds busy at the mean rate)',
  );
  out();
  const profileNote =
    plan.profile.name === plan.profile.recommended
      ? '(recommended)'
      : `(requested; ${plan.profile.recommended} is recommended)`;
  out(`Profile: ${plan.profile.name} ${profileNote}: cdk synth -c profile=${plan.profile.name}`);
  out('Settings for this job type (cdk.json asyncEndpoints.jobTypes.<name>, or its file):');
  out(`  kind ${s.kind}, memoryMiB ${s.memoryMiB}, timeoutSeconds ${s.timeoutSeconds}`);
  out(`  batchSize ${s.batchSize}, maxBatchingWindowSeconds ${s.maxBatchingWindowSeconds}`);
  out(
    s.provisionedPollers
      ? `  provisionedPollers { minimum: ${s.provisionedPollers.minimum}, maximum: ${s.provisionedPollers.maximum} } (provisioned mode: up to ${n(s.maxConcurrency)} concurrent invocations), reservedConcurrency ${n(s.reservedConcurrency)} (the profile gives ${n(s.profileMaxConcurrency)})`
      : `  maxConcurrency ${s.maxConcurrency}, reservedConcurrency ${s.reservedConcurrency} (the profile gives ${s.profileMaxConcurrency})`,
  );
  out(`  retentionDays ${s.retentionDays} (profile)`);
  out();
  out('Requests per job (counted from the code paths)');
  out(
    `  API Gateway  ${r.apiRequestsPerJob} (1 submit + ${r.pollsPerJob} polls); ${n(r.apiRequestsPerSecond, 1)} req/s on average`,
  );
  const fp = r.footprint;
  out(
    `  DynamoDB     ${fp.tableWrites} writes (create, claim, ${fp.renewals ? `${fp.renewals} lease renewals, ` : ''}outcome) = ${fp.totalWru} WRU with both indexes; ${fp.rruPerPoll} RRU per poll; ${fp.cancelChecks} cancel checks of ${fp.rruPerCancelCheck} RRU; record ${n(fp.sizes.queued)}-${n(fp.sizes.completed)} B`,
  );
  out(`  SQS          1 send + receive and delete per batch; the message is { id, name } (1 chunk)`);
  out();
  out('Quotas and limits (needed includes the headroom)');
  for (const q of plan.quotas) {
    out(`  ${STATUS[q.status]} ${q.name}: need ${n(q.needed)} ${q.unit}, limit ${n(q.limit)}`);
    out(`           ${q.advice}`);
  }
  out();
  out(
    `Monthly cost (${PRICES.region}, prices of ${cost.pricesAsOf}, arm64, no free tier; ${n(cost.jobsPerMonth)} jobs)`,
  );
  const width = Math.max(...cost.lines.map((l) => l.service.length));
  for (const line of cost.lines) {
    out(`  ${line.service.padEnd(width)}  ${usd(line.monthlyUsd).padStart(12)}  ${line.detail}`);
  }
  out(
    `  ${'Total'.padEnd(width)}  ${usd(cost.totalUsd).padStart(12)}  (${usd(cost.perMillionJobsUsd)} per million jobs + ${usd(cost.fixedUsd)} fixed, + storage)`,
  );
  if (plan.warnings.length > 0) {
    out();
    out('Warnings');
    for (const w of plan.warnings) out(`  - ${w}`);
  }
  return lines.join('\n');
}
