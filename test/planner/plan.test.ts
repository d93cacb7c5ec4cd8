import { describe, expect, it } from 'vitest';
import { jobFootprint, recordSizes } from '../../planner/job-footprint';
import { concurrencyFor, effectiveBatchSize, type Plan, plan, profileForRate } from '../../planner/plan';
import { pollersFor } from '../../planner/pollers';
import type { QuotaCheck } from '../../planner/quotas';

/*
 * Hand-computed cases: 2 s I/O jobs with a 1 KB input and a 1 KB result.
 *
 * Record sizes (the core's recordBytes on a representative record: 394 B besides the input):
 * queued 1,418 B, running 1,557 B, completed 2,659 B; the item adds its index keys,
 * `,"ownerShard":"<owner>#63"` 86 B, `,"createdKey":"<createdAt>#<id>"` 77 B and, while
 * unfinished, `,"activeShard":"active#255"` 27 B: items of 1,608, 1,747 and 2,822 B.
 * Index entries (keys + projected attributes as JSON + 100 B): ByOwner 372 B (id, ownerShard,
 * createdKey, name, createdAt), Active 306 B.
 * WRU per job: table create 2 + claim 2 + outcome 3 = 7; ByOwner the create only (nothing it
 * projects changes later) = 1; Active put 1 + claim (delete 1 + put 1) + outcome delete 1 = 4;
 * total 12.
 * A poll reads 2,822 B strongly consistent: 1 RRU.
 * W = 2 s + 0.05 s overhead = 2.05 s per invocation. Month = 730 h = 43,800 min.
 * Polls = floor((window / 2 + 2) / 2) + 1 = 2 for windows 0 and 1 s: 3 API requests per job.
 * API functions: 0.25 GB x (0.04 s + 2 x 0.015 s) = 0.0175 GB-s per job.
 * Logs per job: 3 x 400 + (3 + 1/batch) x 350 + 500 + (1 + 1/batch) x 600 B.
 * Fixed CloudWatch: 8 metrics x $0.30 + 2 alarms x $0.10 + $3 dashboard = $5.60.
 */
const twoSecondJobs = (ratePerMinute: number) =>
  plan({ ratePerMinute, durationSeconds: 2, payloadBytes: 1024, resultBytes: 1024 });

const cost = (p: Plan, service: string) =>
  p.cost.lines.find((l) => l.service.startsWith(service))?.monthlyUsd;
const quota = (p: Plan, name: string): QuotaCheck | undefined =>
  p.quotas.find((q) => q.name.startsWith(name));

/** Both index checks `ok`, at [needed, limit] WRU/s each. */
function expectIndexesFit(p: Plan, wru: { active: [number, number]; byOwner: [number, number] }) {
  for (const [name, [needed, limit]] of [
    ['DynamoDB partitions: the sparse Active', wru.active],
    ['DynamoDB partitions: the ByOwner', wru.byOwner],
  ] as const) {
    expect(quota(p, name)).toMatchObject({ needed, limit, status: 'ok' });
  }
}

describe('jobFootprint', () => {
  it('counts the writes and request units of one successful job from its record sizes', () => {
    expect(recordSizes(1024, 1024)).toEqual({ queued: 1608, running: 1747, completed: 2822 });
    expect(jobFootprint({ payloadBytes: 1024, resultBytes: 1024, durationSeconds: 2 })).toMatchObject({
      indexEntries: { byOwner: 372, active: 306 },
      renewals: 0,
      tableWrites: 3,
      tableWru: 7,
      byOwnerWrites: 1,
      byOwnerWru: 1,
      activeWrites: 4,
      activeWru: 4,
      totalWru: 12,
      rruPerPoll: 1,
      messagesSent: 1,
      chunksPerMessage: 1,
    });
  });

  it('adds a lease renewal every 20 s of running time, each moving the Active sort key but not writing ByOwner', () => {
    // 45 s: 2 renewals of 2 WRU on the table, none on ByOwner, 2 x (1 + 1) on Active.
    const fp = jobFootprint({ payloadBytes: 1024, resultBytes: 1024, durationSeconds: 45 });
    expect(fp).toMatchObject({
      renewals: 2,
      tableWrites: 5,
      tableWru: 11,
      byOwnerWru: 1,
      activeWrites: 8,
      activeWru: 8,
    });
  });

  it('adds a cancel check every cancelCheckSeconds between renewals, each half a unit per 4 KB of the item', () => {
    // 45 s at 2 s: 9 checks before each of the 2 renewals, 2 in the last 5 s.
    expect(jobFootprint({ payloadBytes: 1024, resultBytes: 1024, durationSeconds: 45 })).toMatchObject({
      cancelChecks: 20,
      rruPerCancelCheck: 0.5,
      cancelCheckRru: 10,
    });
    // A job shorter than one interval makes none; 0 turns them off.
    expect(jobFootprint({ payloadBytes: 1024, resultBytes: 1024, durationSeconds: 1.9 }).cancelChecks).toBe(
      0,
    );
    expect(
      jobFootprint({ payloadBytes: 1024, resultBytes: 1024, durationSeconds: 45, cancelCheckSeconds: 0 })
        .cancelChecks,
    ).toBe(0);
    // The item's size, not the one attribute read: a 10 KB input makes each check 1.5 RRU.
    expect(jobFootprint({ payloadBytes: 10_240, resultBytes: 1024, durationSeconds: 3 })).toMatchObject({
      cancelChecks: 1,
      rruPerCancelCheck: 1.5,
    });
  });

  it('grows with the payload: the message stays one SQS chunk, the record does not', () => {
    const fp = jobFootprint({ payloadBytes: 100 * 1024, resultBytes: 1024, durationSeconds: 2 });
    expect(fp.chunksPerMessage).toBe(1);
    expect(fp.tableWru).toBeGreaterThan(3 * 100);
  });
});

describe('plan: 100 jobs/min of 2 s jobs', () => {
  const p = twoSecondJobs(100);

  it("applies Little's law with 1.5x headroom", () => {
    // lambda = 100 / 60 = 1.667/s; L = 1.667 x 2.05 = 3.417 jobs; a batch gathers
    // floor(1.667 x 1 s) = 1 job; 3.417 invocations x 1.5 = 5.125 -> 6.
    expect(p.concurrency.jobsPerSecond).toBeCloseTo(1.6667, 4);
    expect(p.concurrency.jobsInFlight).toBeCloseTo(3.4167, 4);
    expect(p.concurrency.jobsPerInvocation).toBe(1);
    expect(p.concurrency.invocationsNeeded).toBe(6);
  });

  it('recommends small, whose 5 x 10 batch capacity carries 5.1 jobs', () => {
    expect(p.profile).toEqual({ name: 'small', recommended: 'small', fits: true });
    expect(p.settings).toMatchObject({
      kind: 'io',
      memoryMiB: 512,
      timeoutSeconds: 30,
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      maxConcurrency: 6,
      reservedConcurrency: 6,
      retentionDays: 30,
    });
    // 6 invocations fit one event source in standard mode: no pollers.
    expect(p.settings.provisionedPollers).toBeUndefined();
    expect(p.quotas.every((q) => q.status === 'ok')).toBe(true);
  });

  it('costs what the price table says, service by service', () => {
    // 4,380,000 jobs; 13,140,000 API requests x $3.50/M = $45.99.
    expect(p.cost.jobsPerMonth).toBe(4_380_000);
    expect(cost(p, 'API Gateway')).toBeCloseTo(45.99, 2);
    // 17,520,000 invocations x $0.20/M = $3.504; GB-s 76,650 (API) + 4,380,000 x 0.5 x 2.05
    // = 4,489,500 (processor) = 4,566,150 x $0.0000133334 = $60.882; total $64.386.
    expect(cost(p, 'Lambda')).toBeCloseTo(64.386, 2);
    // 4,380,000 x (1 send + 2 per batch of 1) = 13,140,000 x $0.40/M = $5.256, plus 657,000 idle
    // polls = $0.263.
    expect(cost(p, 'SQS')).toBeCloseTo(5.519, 2);
    // 4,380,000 x 12 = 52,560,000 WRU x $0.625/M = $32.85; 8,760,000 RRU x $0.125/M = $1.095;
    // storage: 100 x 1,440 x 30 days = 4,320,000 records x 2,822 B = 11.354 GiB in the table
    // and x 372 B = 1.497 GiB in ByOwner, at $0.25 = $3.213, plus PITR on the table at $0.20 =
    // $2.271; total $39.428.
    expect(cost(p, 'DynamoDB')).toBeCloseTo(39.428, 2);
    // 18,834,000,000 B of logs = 17.541 GiB x $0.50 = $8.770, + $6.40 fixed (10 metrics
    // x $0.30, 4 alarms x $0.10, a $3 dashboard) = $15.170.
    expect(cost(p, 'CloudWatch')).toBeCloseTo(15.17, 2);
    expect(p.cost.totalUsd).toBeCloseTo(170.49, 1);
  });
});

describe('plan: 1,000 jobs/min of 2 s jobs', () => {
  const p = twoSecondJobs(1000);

  it('recommends medium; full batches of 10 in 6 invocations', () => {
    // lambda = 16.667/s; L = 34.167 jobs; a 1 s window gathers 16 -> batch 10;
    // 3.417 invocations x 1.5 = 5.125 -> 6.
    expect(p.concurrency.jobsPerInvocation).toBe(10);
    expect(p.concurrency.invocationsNeeded).toBe(6);
    expect(p.profile.name).toBe('medium');
    expect(p.settings).toMatchObject({ maxBatchingWindowSeconds: 1, maxConcurrency: 6, retentionDays: 14 });
    // Active index: 16.667 x 4 WRU x 1.5 = 100 WRU/s of its 16 shards x 1,000; ByOwner:
    // 16.667 x 1 x 1.5 = 25 of medium's 2 owner shards.
    expectIndexesFit(p, { active: [100, 16_000], byOwner: [25, 2000] });
  });

  it('costs what the price table says', () => {
    // 131,400,000 API requests x $3.50/M = $459.90.
    expect(cost(p, 'API Gateway')).toBeCloseTo(459.9, 1);
    // 135,780,000 invocations = $27.156; (766,500 + 4,489,500) GB-s x $0.0000133334 = $70.080.
    expect(cost(p, 'Lambda')).toBeCloseTo(97.236, 2);
    // 43,800,000 x 1.2 = 52,560,000 requests = $21.024, + $0.263 idle.
    expect(cost(p, 'SQS')).toBeCloseTo(21.287, 2);
    // 525,600,000 WRU = $328.50; 87,600,000 RRU = $10.95; 20,160,000 records x 2,822 B =
    // 52.984 GiB, x 372 B = 6.984 GiB in ByOwner: $14.992 stored + $10.597 PITR; total $365.039.
    expect(cost(p, 'DynamoDB')).toBeCloseTo(365.039, 2);
    // 150,891,000,000 B = 140.527 GiB x $0.50 = $70.264, + $6.40.
    expect(cost(p, 'CloudWatch')).toBeCloseTo(76.664, 2);
    expect(p.cost.totalUsd).toBeCloseTo(1020.13, 0);
  });
});

describe('plan: 100,000 jobs/min of 2 s jobs', () => {
  const p = twoSecondJobs(100_000);

  it('recommends large, in provisioned mode as the profile is, with pollers for 513 invocations', () => {
    // lambda = 1,666.67/s; L = 3,416.7 jobs; 341.67 invocations x 1.5 = 512.5 -> 513.
    expect(p.concurrency.invocationsNeeded).toBe(513);
    expect(p.profile).toEqual({ name: 'large', recommended: 'large', fits: true });
    // Receives: 1,666.67 / 10 = 166.67/s (x 1.5 = 250: 25 pollers), below the concurrency's need.
    // Maximum: ceil(513 / 10) = 52 pollers = 520 invocations; minimum: the mean,
    // ceil(341.67 / 10) = 35.
    expect(p.settings).toMatchObject({
      provisionedPollers: { minimum: 35, maximum: 52 },
      maxConcurrency: 520,
      reservedConcurrency: 520,
      profileMaxConcurrency: 1000,
      retentionDays: 3,
    });
    expect(p.warnings.join(' ')).toMatch(/billed per event poller unit.*leaves out the 35 pollers always on/);
  });

  it("fits the account quotas, and the indexes over the large profile's shards even from one caller", () => {
    // 1,666.67 x 3 requests x 1.5 = 7,500 req/s; 520 + ceil(1,666.67 x 0.07 s x 1.5 = 175) + 100.
    expect(quota(p, 'API Gateway')).toMatchObject({ needed: 7500, status: 'ok' });
    expect(quota(p, 'Lambda concurrent')).toMatchObject({ needed: 795, status: 'ok' });
    expect(quota(p, 'SQS event source concurrency (provisioned mode')).toMatchObject({
      needed: 513,
      limit: 20_000,
      status: 'ok',
    });
    // From the minimum's 350 to 520 at 1,000 a minute.
    expect(quota(p, 'SQS event source scale-up (provisioned mode)')).toMatchObject({ needed: 170 });
    // 1,666.67 x 7 WRU x 1.5 = 17,500 of the table's 40,000.
    expect(quota(p, 'DynamoDB on-demand table write')).toMatchObject({ needed: 17_500, status: 'ok' });
    // Active: 1,666.67 x 4 x 1.5 = 10,000 WRU/s over large's 32 shards of 1,000 each; ByOwner:
    // 1,666.67 x 1 x 1.5 = 2,500 over 16.
    expectIndexesFit(p, { active: [10_000, 32_000], byOwner: [2500, 16_000] });
    // A new stage's warm throughput is the exception (test/planner/warm-throughput.test.ts).
    const steady = p.quotas.filter(
      (q) => q.name.startsWith('DynamoDB') && !q.name.includes('warm throughput'),
    );
    expect(steady.map((q) => q.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('asks for more shards (a stage setting) on a profile whose shards do not carry it', () => {
    const medium = plan({
      ratePerMinute: 100_000,
      durationSeconds: 2,
      payloadBytes: 1024,
      profile: 'medium',
    });
    // Active 10,000 WRU/s of 16,000 fits; ByOwner 2,500 of medium's 2 shards: set 3.
    expect(quota(medium, 'DynamoDB partitions: the sparse Active')).toMatchObject({ status: 'ok' });
    const byOwner = quota(medium, 'DynamoDB partitions: the ByOwner');
    expect(byOwner).toMatchObject({ needed: 2500, limit: 2000, status: 'raise' });
    expect(byOwner?.advice).toMatch(/Set asyncEndpoints\.table\.ownerShards to 3 or more/);
  });

  it('prices API Gateway across its tiers and Lambda at arm64', () => {
    // 13.14 billion requests: 333M x $3.50 + 667M x $2.80 + 12.14B x $2.38 = $31,926.30.
    expect(cost(p, 'API Gateway')).toBeCloseTo(31_926.3, 1);
    // 13.578 billion invocations = $2,715.60; 525,600,000 GB-s = $7,008.04.
    expect(cost(p, 'Lambda')).toBeCloseTo(9723.64, 0);
  });
});

describe('plan: 1,000,000 jobs/min of 2 s jobs', () => {
  const p = twoSecondJobs(1_000_000);

  it('runs one event source in provisioned mode with 200 to 513 pollers', () => {
    // L = 34,166.7 jobs; 3,416.7 invocations x 1.5 = 5,125, past standard mode's 1,000:
    // maximum ceil(5,125 / 10) = 513 pollers (receives: 1,666.67/s x 1.5 / 10 = 250 pollers);
    // minimum: the mean's ceil(3,416.7 / 10) = 342, capped at Lambda's 200.
    expect(p.concurrency.invocationsNeeded).toBe(5125);
    expect(p.settings).toMatchObject({
      provisionedPollers: { minimum: 200, maximum: 513 },
      maxConcurrency: 5130,
      reservedConcurrency: 5130,
    });
    expect(p.profile).toEqual({ name: 'large', recommended: 'large', fits: false });
    expect(p.warnings.join(' ')).toMatch(
      /caps io job types at 1000 .* set provisionedPollers as recommended/,
    );
    expect(p.warnings.join(' ')).not.toMatch(/shard|queues/);
  });

  it('asks for quota increases and needs no redesign of the event source', () => {
    // 16,666.67 x 3 x 1.5 = 75,000 req/s; 5,130 + 1,750 + 100 = 6,980 executions.
    expect(quota(p, 'API Gateway')).toMatchObject({ needed: 75_000, status: 'raise' });
    expect(quota(p, 'Lambda concurrent')).toMatchObject({ needed: 6980, status: 'raise' });
    expect(quota(p, 'SQS event source concurrency (provisioned mode')).toMatchObject({
      needed: 5125,
      status: 'ok',
    });
    expect(quota(p, 'SQS event source concurrency')?.advice).toMatch(
      /200 minimum pollers .* part of the mean load \(3,417\)/,
    );
    // From the minimum's 2,000 to 5,130 at 1,000 a minute: 3.1 min.
    expect(quota(p, 'SQS event source scale-up (provisioned mode)')).toMatchObject({ needed: 3130 });
    expect(quota(p, 'SQS event source scale-up')?.advice).toMatch(/about 3\.1 min/);
    expect(quota(p, 'DynamoDB on-demand table write')).toMatchObject({ needed: 175_000, status: 'raise' });
    // Active: 16,666.67 x 4 x 1.5 = 100,000 WRU/s: 100 shards (of at most 256) instead of 32.
    expect(quota(p, 'DynamoDB partitions: the sparse Active')).toMatchObject({
      needed: 100_000,
      limit: 32_000,
      status: 'raise',
    });
    // ByOwner from one caller: 16,666.67 x 1 x 1.5 = 25,000 WRU/s: 25 shards (of at most 64)
    // instead of large's 16, a stage setting: no redesign.
    const byOwner = quota(p, 'DynamoDB partitions: the ByOwner');
    expect(byOwner).toMatchObject({ needed: 25_000, limit: 16_000, status: 'raise' });
    expect(byOwner?.advice).toMatch(/Set asyncEndpoints\.table\.ownerShards to 25 or more/);
    expect(p.quotas.some((q) => q.status === 'redesign')).toBe(false);
    // 34,166.7 x 1.5 = 51,250 in flight on the one queue.
    expect(quota(p, 'SQS in-flight')).toMatchObject({ needed: 51_250, status: 'ok' });
  });

  it('prices API Gateway into its last tier', () => {
    // 131.4 billion: $1,165.50 + $1,867.60 + 19B x $2.38 = $45,220 + 111.4B x $1.51 = $168,214.
    expect(cost(p, 'API Gateway')).toBeCloseTo(216_467.1, 0);
  });
});

describe('provisioned pollers', () => {
  it('stays in standard mode on a profile without pollers while one event source carries the load', () => {
    // 100,000/min needs 513 invocations: within standard mode's 1,000 on medium.
    const p = plan({ ratePerMinute: 100_000, durationSeconds: 2, payloadBytes: 1024, profile: 'medium' });
    expect(p.settings).toMatchObject({ maxConcurrency: 513, reservedConcurrency: 513 });
    expect(p.settings.provisionedPollers).toBeUndefined();
    expect(quota(p, 'SQS event source MaximumConcurrency (standard mode')).toMatchObject({ status: 'ok' });
    expect(p.warnings.join(' ')).not.toMatch(/event poller unit/);
  });

  it('switches to provisioned mode past 1,000 invocations whatever the profile', () => {
    const p = plan({ ratePerMinute: 1_000_000, durationSeconds: 2, payloadBytes: 1024, profile: 'medium' });
    expect(p.settings.provisionedPollers).toEqual({ minimum: 200, maximum: 513 });
  });

  it('counts the receives when short jobs make a poller receive-bound', () => {
    // CPU jobs of 0.25 s at 600,000/min: 10,000 jobs/s, W = 0.30 s, L = 3,000 invocations
    // x 1.5 = 4,500 (450 pollers); but one receive per job: 10,000/s x 1.5 / 10 a poller = 1,500.
    const concurrency = concurrencyFor({ ratePerMinute: 600_000, durationSeconds: 0.25 }, 'cpu', 'large');
    const need = pollersFor(concurrency);
    expect(need).toMatchObject({ maximum: 1500, forReceives: 1500, forConcurrency: 450 });
    // Minimum at the mean: max(3,000 / 10, 10,000 / 10) = 1,000, capped at 200.
    expect(need.minimum).toBe(200);
  });

  it("keeps within Lambda's 2-2,000 pollers, and redesigns past 20,000 invocations", () => {
    // 4 jobs/min of 2 s: 1 invocation -> the floor of 2 pollers each way.
    expect(pollersFor(concurrencyFor({ ratePerMinute: 4, durationSeconds: 2 }, 'io', 'large'))).toMatchObject(
      {
        minimum: 2,
        maximum: 2,
      },
    );
    // 5,000,000/min of 2 s: 25,625 invocations -> 2,563 pollers, capped at 2,000 = 20,000.
    const p = plan({ ratePerMinute: 5_000_000, durationSeconds: 2, payloadBytes: 1024 });
    expect(p.concurrency.invocationsNeeded).toBe(25_625);
    expect(p.settings).toMatchObject({
      provisionedPollers: { minimum: 200, maximum: 2000 },
      maxConcurrency: 20_000,
    });
    expect(quota(p, 'SQS event source concurrency (provisioned mode')).toMatchObject({
      needed: 25_625,
      limit: 20_000,
      status: 'redesign',
    });
  });
});

describe('plan inputs', () => {
  it('picks profiles by the seed tiers, then the smallest that carries the load', () => {
    expect([50, 100, 101, 1000, 1001].map(profileForRate)).toEqual([
      'small',
      'small',
      'medium',
      'medium',
      'large',
    ]);
    // 100 jobs/min of 60 s jobs: L = 101.75 x 1.5 = 152.6 jobs > small's 50: medium.
    expect(plan({ ratePerMinute: 100, durationSeconds: 60, payloadBytes: 1024 }).profile.recommended).toBe(
      'medium',
    );
  });

  it('gathers batches from what arrives in the window, at least one, at most the batch size', () => {
    expect(effectiveBatchSize(0.1, 10, 0)).toBe(1);
    expect(effectiveBatchSize(3.5, 10, 1)).toBe(3);
    expect(effectiveBatchSize(100, 10, 0)).toBe(10);
  });

  it('plans CPU-bound jobs one per invocation at a whole vCPU', () => {
    // 1,000/min of 2 s: 34.17 invocations x 1.5 = 51.25 -> 52 > medium's 20 cpu: large.
    const p = plan({ ratePerMinute: 1000, durationSeconds: 2, payloadBytes: 1024, kind: 'cpu' });
    expect(p.concurrency.jobsPerInvocation).toBe(1);
    expect(p.concurrency.invocationsNeeded).toBe(52);
    expect(p.profile.recommended).toBe('large');
    expect(p.settings).toMatchObject({ kind: 'cpu', memoryMiB: 1769, timeoutSeconds: 60, batchSize: 1 });
    // Large runs provisioned mode: maximum ceil(52 / 10) = 6 pollers (receives: 16.67/s x 1.5 / 10
    // = 2.5); minimum ceil(34.17 / 10) = 4.
    expect(p.settings).toMatchObject({ provisionedPollers: { minimum: 4, maximum: 6 }, maxConcurrency: 60 });
  });

  it('plans for a requested profile and says when it does not carry the load', () => {
    const p = plan({ ratePerMinute: 5000, durationSeconds: 2, payloadBytes: 1024, profile: 'small' });
    expect(p.profile).toEqual({ name: 'small', recommended: 'large', fits: false });
    expect(p.warnings[0]).toMatch(/Profile small caps io job types at 5/);
  });

  it('raises the timeout to three times the job and warns near the 15-minute limit', () => {
    expect(plan({ ratePerMinute: 10, durationSeconds: 40, payloadBytes: 0 }).settings.timeoutSeconds).toBe(
      120,
    );
    const long = plan({ ratePerMinute: 10, durationSeconds: 400, payloadBytes: 0 });
    expect(long.settings.timeoutSeconds).toBe(900);
    expect(long.warnings.join(' ')).toMatch(/15-minute limit/);
  });

  it('rejects non-positive rates and durations and out-of-range memory', () => {
    expect(() => plan({ ratePerMinute: 0, durationSeconds: -1, payloadBytes: 1, memoryMiB: 64 })).toThrow(
      /ratePerMinute must be a positive number; durationSeconds must be a positive number; memoryMiB must be in 128..10240/,
    );
  });
});
