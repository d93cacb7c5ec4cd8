/**
 * SQS for the local mode: fauxqs 1.9.2 (SQS's awsJson1_0 wire protocol) inside this process,
 * on a random loopback port, with a real SDK v3 client pointed at it.
 */
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mirrorObjects, restoreObjects } from '../state/s3-mirror';
import { restartListener } from './restart-listener';
import { keepContentEncoding, localS3Client } from './s3';
import { type EmulatorRestart, LOCAL_AWS, type SqsEmulator } from './types';

/** Options of {@link startSqs}. */
export interface StartSqsOptions {
  /**
   * Keep S3 objects (fauxqs holds them in memory) in this folder across restarts: every write is
   * mirrored there, every delete removes its copy, and a start restores them (`s3-mirror.ts`).
   * Queues and messages stay in memory.
   * @default objects in memory only
   */
  readonly objectsDir?: string;
}

/**
 * Starts fauxqs in-process on `127.0.0.1` (never on all interfaces) and returns a client bound to it.
 *
 * fauxqs names its queues `http://sqs.us-east-1.localhost:PORT/000000000000/<name>`, and
 * `*.localhost` does not resolve on every host (ENOTFOUND on Debian). By default the SDK sends
 * each request to the host of its `QueueUrl`, so the client is built with an explicit `endpoint`
 * (which alone switches that off) and `useQueueUrlAsEndpoint: false` (so it stays off). Use this
 * client, or one configured the same way, with the queue URLs fauxqs returns: a client that finds
 * its endpoint only through `AWS_ENDPOINT_URL_SQS` still follows the queue URL and fails.
 *
 * @throws when fauxqs cannot be loaded or cannot listen
 * @example
 * const sqs = await startSqs();
 * const { QueueUrl } = await sqs.client.send(new CreateQueueCommand({ QueueName: 'echo' }));
 * await sqs.restart({ downMs: 500 }); // unreachable for 0.5 s; the queue and its messages stay
 * await sqs.stop();
 */
export async function startSqs(options: StartSqsOptions = {}): Promise<SqsEmulator> {
  // fauxqs ships as ESM only; a dynamic import is the one way in from this CommonJS package.
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ logger: false });
  keepContentEncoding(app);
  const { objectsDir } = options;
  let restoredObjects = 0;
  if (objectsDir !== undefined) {
    // Mirrored before each writer's answer; restored before anything can read.
    mirrorObjects(app, objectsDir);
    restoredObjects = await restoreObjects(app, objectsDir);
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SQSClient({ ...LOCAL_AWS, endpoint, useQueueUrlAsEndpoint: false });
  const s3Client = localS3Client(endpoint);

  let stopping: Promise<void> | undefined;
  let restarting: Promise<EmulatorRestart> | undefined;
  return {
    endpoint,
    client,
    s3Client,
    name: 'fauxqs 1.9.2',
    restoredObjects,
    restart({ downMs }) {
      if (stopping) return Promise.reject(new Error('fauxqs was stopped'));
      if (restarting) return Promise.reject(new Error('fauxqs is already restarting'));
      // Only the listener restarts: fauxqs' store lives in this process and keeps every message,
      // as SQS keeps them through an outage. A long poll cut off by the restart may still take
      // messages off the queue; they come back after their visibility timeout, as on AWS when a
      // ReceiveMessage answer is lost.
      restarting = restartListener(app.server, downMs).finally(() => {
        restarting = undefined;
      });
      return restarting;
    },
    stop() {
      // fauxqs' preClose hook ends every pending long poll with an empty answer, so close() does
      // not wait up to 20 s for them.
      stopping ??= (async () => {
        await restarting?.catch(() => {});
        await app.close();
        client.destroy();
        s3Client.destroy();
      })();
      return stopping;
    },
  };
}
