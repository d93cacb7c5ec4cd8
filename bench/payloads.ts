/**
 * Large payloads: what placing a payload costs (JSON + gzip + SHA-256, per size and kind of
 * data), and a local round trip (submit -> processor -> GET, and the presigned download when
 * the result is in S3) for an inline and an S3-stored input. Medians of `runs`. Not part of `npm test`.
 *
 *   npm run bench:payloads -- [runs=7]
 */
import { randomBytes } from 'node:crypto';
import { placePayload } from '../lambdas/adapters/payload-codec';
import { loadLocalConfig } from '../local/local-config';
import { startLocalSystem } from '../local/local-system';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const [runs = 7] = process.argv.slice(2).map(Number);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Rows of records: compresses well, like most API JSON. */
const records = (bytes: number) => ({
  rows: Array.from({ length: Math.ceil(bytes / 60) }, (_, i) => ({
    id: i,
    name: `customer ${i}`,
    active: i % 3 === 0,
  })),
});
/** Random base64: compresses to about 3/4, like embedded binary data. */
const noise = (bytes: number) => ({ blob: randomBytes(Math.ceil((bytes * 3) / 4)).toString('base64') });

function placement() {
  console.log('| data | JSON bytes | stored as | stored bytes | place (ms, median) |');
  console.log('|---|---|---|---|---|');
  for (const [label, make] of [
    ['records', records],
    ['base64 noise', noise],
  ] as const) {
    for (const size of [8_192, 65_536, 1_048_576, 3_000_000]) {
      const value = make(size);
      const times: number[] = [];
      let last = placePayload(value);
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        last = placePayload(value);
        times.push(performance.now() - start);
      }
      const stored = last.kind === 'json' ? last.jsonBytes : last.gzip.byteLength;
      console.log(
        `| ${label} | ${last.jsonBytes} | ${last.kind} | ${stored} | ${median(times).toFixed(2)} |`,
      );
    }
  }
}

async function roundTrips() {
  const system = await startLocalSystem({ config: loadLocalConfig({ maxBodyBytes: 3_000_000 }), port: 0 });
  try {
    console.log('\n| input | round trip submit -> Completed -> result in hand (ms, median) |');
    console.log('|---|---|');
    for (const [label, input] of [
      ['64 KiB records (gzip in the item)', records(65_536)],
      ['2 MiB base64 noise (S3)', noise(2 * 1_048_576)],
    ] as const) {
      const body = JSON.stringify(input);
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        const submitted = await fetch(`${system.url}/jobs/echo`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
        });
        const { id } = (await submitted.json()) as { id: string };
        for (;;) {
          const view = (await (await fetch(`${system.url}/jobs/${id}`)).json()) as Record<string, unknown>;
          if (view.status === 'Completed') {
            const text = view.resultUrl
              ? await (await fetch(String(view.resultUrl))).text()
              : JSON.stringify(view.result);
            if (text !== body) throw new Error('the result differs from the input');
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        times.push(performance.now() - start);
      }
      console.log(`| ${label} | ${median(times).toFixed(0)} |`);
    }
  } finally {
    await system.stop();
  }
}

placement();
roundTrips().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
