/**
 * Local end-to-end throughput: starts the local system (as `npm start` does), submits echo jobs
 * over HTTP at a fixed client concurrency, and measures jobs/s from the first submit until every
 * job is Completed. Repeats and reports the median. Not part of `npm test`.
 *
 *   [LOCAL_DYNAMODB=dynalite] npm run bench:local -- [jobs=500] [runs=3] [clients=16]
 */

import type { DynamoDbChoice } from '../local/emulators/dynamodb';
import { loadLocalConfig } from '../local/local-config';
import { startLocalSystem } from '../local/local-system';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const [jobs = 500, runs = 3, clients = 16] = process.argv.slice(2).map(Number);

async function submitAll(url: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        next += 1;
        const response = await fetch(`${url}/jobs/echo`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ n: next }),
        });
        if (response.status !== 202) throw new Error(`submit answered ${response.status}`);
        ids.push(((await response.json()) as { id: string }).id);
      }
    }),
  );
  return ids;
}

async function waitAll(url: string, ids: string[]): Promise<void> {
  const pending = new Set(ids);
  while (pending.size > 0) {
    for (const id of [...pending]) {
      const job = (await (await fetch(`${url}/jobs/${id}`)).json()) as { status: string };
      if (job.status === 'Completed') pending.delete(id);
      else if (job.status === 'Failed') throw new Error(`job ${id} failed`);
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const dynamodb = (process.env.LOCAL_DYNAMODB ?? 'auto') as DynamoDbChoice;
  const system = await startLocalSystem({ config: loadLocalConfig(), port: 0, dynamodb });
  const readyMs = performance.now() - startedAt;
  console.log(`ready in ${(readyMs / 1000).toFixed(2)} s on ${system.dynamodb.kind} + ${system.sqs.name}`);
  const rates: number[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      const t0 = performance.now();
      const ids = await submitAll(system.url, jobs);
      const submitted = performance.now() - t0;
      await waitAll(system.url, ids);
      const seconds = (performance.now() - t0) / 1000;
      rates.push(jobs / seconds);
      console.log(
        `run ${run}: ${jobs} jobs in ${seconds.toFixed(2)} s = ${(jobs / seconds).toFixed(1)} jobs/s ` +
          `(submits alone ${((jobs * 1000) / submitted).toFixed(1)}/s)`,
      );
    }
  } finally {
    await system.stop();
  }
  const sorted = [...rates].sort((a, b) => a - b);
  console.log(`median: ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} jobs/s over ${runs} runs`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
