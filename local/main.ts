/**
 * `npm start`: the whole system on this machine, on emulators, until Ctrl-C.
 *
 * Environment: PORT (default 3000), HOST (default 127.0.0.1), LOCAL_DYNAMODB
 * (auto | dynamodb-local | dynalite), ASYNC_ENDPOINTS_LOCAL (JSON config overrides),
 * POWERTOOLS_LOG_LEVEL (default INFO).
 * Flags: --fresh (wipe the stage's folder in .async-endpoints/ and start empty).
 */
import * as path from 'node:path';
import { ConfigError } from '../lib/config-error';
import { banner, inventoryLine } from './banner';
import type { DynamoDbChoice } from './emulators/dynamodb';
import { loadLocalConfig } from './local-config';
import { startLocalSystem } from './local-system';
import { DataDirError } from './state/data-dir';

/** Where `npm start` keeps its state: git-ignored, in the project. */
const DATA_DIR = path.resolve(__dirname, '..', '.async-endpoints');

const started = performance.now();

async function main(): Promise<void> {
  // EMF metrics go to CloudWatch on AWS; locally they would only flood the console.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number, got ${process.env.PORT}`);
  const choice = (process.env.LOCAL_DYNAMODB ?? 'auto') as DynamoDbChoice;
  if (!['auto', 'dynamodb-local', 'dynalite'].includes(choice)) {
    throw new Error(`LOCAL_DYNAMODB must be auto, dynamodb-local or dynalite, got ${choice}`);
  }

  const fresh = process.argv.includes('--fresh');

  const config = loadLocalConfig();
  process.env.POWERTOOLS_SERVICE_NAME ??= config.stackName;
  const system = await startLocalSystem({
    config,
    port,
    host: process.env.HOST ?? '127.0.0.1',
    dynamodb: choice,
    dataDir: DATA_DIR,
    fresh,
    onError: (error) => console.error('event source:', error instanceof Error ? error.message : error),
  });
  console.log(banner(system, performance.now() - started));
  system.durable?.inventory.then((inventory) => inventory && console.log(inventoryLine(inventory)));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: finishing in-flight batches and stopping the emulators...`);
    system.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Stopped with an error:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
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
