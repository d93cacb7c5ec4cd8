/**
 * `npm start`: the whole system on this machine, on emulators, until Ctrl-C.
 *
 * Environment: PORT (default 3000), HOST (default 127.0.0.1), LOCAL_DYNAMODB
 * (auto | dynamodb-local | dynalite), ASYNC_ENDPOINTS_LOCAL (JSON config overrides),
 * POWERTOOLS_LOG_LEVEL (default INFO), ASYNC_ENDPOINTS_LOG_FORMAT / --log-format (pretty | json;
 * default pretty on a terminal), ASYNC_ENDPOINTS_RAW_EMF / --raw-emf (print EMF lines too),
 * ASYNC_ENDPOINTS_LOCAL_ADMIN (the admin principal, default local-admin). `--dev` (`npm run dev`)
 * reloads the handlers when lambdas/ changes. ASYNC_ENDPOINTS_DATA_DIR (default .async-endpoints/
 * in the project): where the state is kept.
 * Flags: --fresh (wipe the stage's folder in the data directory and start empty).
 */
import { resolve } from 'node:path';
import { ConfigError } from '../lib/config-error';
import { banner, inventoryLine } from './banner';
import { watchHandlers } from './dev/watch-handlers';
import type { DynamoDbChoice } from './emulators/dynamodb';
import { loadLocalConfig } from './local-config';
import { startLocalSystem } from './local-system';
import { readOutputSettings } from './observability/log-format';
import { DataDirError } from './state/data-dir';
import { handleStopSignals } from './stop-signals';

/** Where `npm start` keeps its state: git-ignored, in the project (tests point it elsewhere). */
const DATA_DIR = process.env.ASYNC_ENDPOINTS_DATA_DIR
  ? resolve(process.env.ASYNC_ENDPOINTS_DATA_DIR)
  : resolve(__dirname, '..', '.async-endpoints');

const started = performance.now();
// From the first moment: a Ctrl-C while DynamoDB Local starts must still take its JVM along.
const signals = handleStopSignals();

async function main(): Promise<void> {
  // EMF metrics go to CloudWatch on AWS; locally to a collector the console charts, off the terminal.
  const output = readOutputSettings(process.argv.slice(2), process.env, process.stdout.isTTY === true);
  process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  const choice = (process.env.LOCAL_DYNAMODB ?? 'auto') as DynamoDbChoice;
  if (!['auto', 'dynamodb-local', 'dynalite'].includes(choice)) {
    throw new Error(`LOCAL_DYNAMODB must be auto, dynamodb-local or dynalite, got ${choice}`);
  }

  const config = loadLocalConfig();
  process.env.POWERTOOLS_SERVICE_NAME ??= config.stackName;
  const system = await startLocalSystem({
    config,
    port,
    host: process.env.HOST ?? '127.0.0.1',
    dynamodb: choice,
    observe: {
      collectMetrics: output.collectMetrics,
      rawEmf: output.rawEmf,
      logFormat: output.logFormat,
      colour: output.colour,
    },
    dataDir: DATA_DIR,
    fresh: process.argv.includes('--fresh'),
    onError: (error) => console.error('event source:', error instanceof Error ? error.message : error),
  });
  console.log(banner(system, performance.now() - started));
  system.durable?.inventory.then((inventory) => inventory && console.log(inventoryLine(inventory)));
  // `npm run dev`: the handlers reload when lambdas/ changes; emulators and data stay.
  const watcher = process.argv.includes('--dev')
    ? watchHandlers({ root: resolve(__dirname, '..'), system })
    : undefined;

  signals.ready(() => {
    watcher?.close();
    return system.stop();
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirError) console.error(error.message);
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(
      `Port ${process.env.PORT ?? 3000} is in use: stop what holds it, or set PORT=<another port>.`,
    );
  } else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
