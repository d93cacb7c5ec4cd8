import * as path from 'node:path';
import type { Inventory, LocalSystem } from './local-system';
import { describeRecovery } from './state/boot-recovery';
import { describeCensus } from './state/job-census';

/** The banner's data lines: where the state lives, and what the boot recovery re-enqueued. */
function dataLines(system: LocalSystem): string[] {
  const { durable } = system;
  if (!durable) return ['  Data       in memory: everything is lost when the system stops'];
  const where = path.relative(process.cwd(), durable.dir) || durable.dir;
  if (durable.empty) {
    return [`  Data       ${where} (${durable.wiped ? 'wiped by --fresh: ' : ''}starting empty)`];
  }
  const objects = durable.restoredObjects > 0 ? `; ${durable.restoredObjects} payload objects restored` : '';
  return [`  Data       ${where}: ${describeRecovery(durable.recovered)}${objects}`];
}

/** What `npm start` prints once the background inventory of the data folder is done. */
export function inventoryLine(inventory: Inventory): string {
  const letters =
    inventory.deadLetters > 0 ? `; ${inventory.deadLetters} dead letters back in their DLQs` : '';
  return `  Data       found ${describeCensus(inventory.found)}${letters}`;
}

/** What `npm start` prints once the system is ready. */
export function banner(system: LocalSystem, readyMs: number): string {
  const { url, config, dynamodb, sqs } = system;
  const rows = config.jobTypes.map((job) => {
    const pollers = job.settings.provisionedPollers;
    const scaling = pollers
      ? `provisionedPollers ${pollers.minimum}-${pollers.maximum} (${system.eventSources[job.name]?.pollers ?? '?'} local pollers)`
      : `maxConcurrency ${job.settings.maxConcurrency}`;
    return (
      `    ${job.name.padEnd(10)} ${scaling}, batch ${job.settings.batchSize}, ` +
      `timeout ${job.settings.timeoutSeconds}s, maxRetries ${job.settings.maxRetries}`
    );
  });
  return [
    '',
    `  async-endpoints local mode: ready in ${(readyMs / 1000).toFixed(1)} s`,
    '',
    `  API        ${url}`,
    `  Console    ${url}/ (jobs, queues and dead letters, metrics, API reference)`,
    `  DynamoDB   ${dynamodb.kind} at ${dynamodb.endpoint} (${dynamodb.reason})`,
    `  SQS        ${sqs.name} at ${sqs.endpoint}`,
    `  Admin      X-Local-Principal: ${system.adminPrincipal} (the admin routes accept no other caller)`,
    ...dataLines(system),
    '  Job types',
    ...rows,
    '',
    '  Try it (X-Local-Principal names the caller; default local-user):',
    `    curl -si -X POST ${url}/jobs/echo -H 'Content-Type: application/json' -d '{"hello":"world"}'`,
    `    curl -s ${url}/jobs/<id from the Location header>`,
    `    curl -si -X POST ${url}/jobs/fail -H 'Content-Type: application/json' -d '{"permanent":true}'`,
    '',
    '  Ctrl-C stops everything. `npm start -- --fresh` starts with no data.',
    '',
  ].join('\n');
}
