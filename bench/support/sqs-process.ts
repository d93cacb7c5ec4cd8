/**
 * fauxqs in a child process, for benchmarks that time this process's CPU: the local mode runs
 * fauxqs in-process, where its work would count as the handlers'. DynamoDB Local already runs
 * in its own JVM.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { ownSqsClient } from './local';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** Listens on a free loopback port and reports it over IPC. */
const CHILD_SCRIPT = `
import('fauxqs').then(async ({ buildApp }) => {
  const app = buildApp({ logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.send(app.server.address().port);
  process.on('disconnect', () => process.exit(0));
});`;

/** fauxqs running in a child process. */
export interface SqsProcess {
  readonly endpoint: string;
  readonly client: SQSClient;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs in a child process on a free loopback port.
 * @throws when it has not reported its port within 20 s
 */
export async function startSqsProcess(): Promise<SqsProcess> {
  const child: ChildProcess = spawn(process.execPath, ['-e', CHILD_SCRIPT], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('fauxqs did not start within 20 s')), 20_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(Number(message));
    });
    child.once('exit', (code) => reject(new Error(`fauxqs exited with ${code} before listening`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = ownSqsClient(endpoint);
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill();
        await exited;
      }
    },
  };
}
