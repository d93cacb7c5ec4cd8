/**
 * `npm run dev` end to end: a system started from a copy of `lambdas/` in a temporary folder
 * (the repository's own files are never edited), watched as `npm run dev` watches it. Each test
 * edits the copy and checks what the running system does next.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadHandlerModules } from '../../local/dev/loader';
import { type HandlerWatcher, watchHandlers } from '../../local/dev/watch-handlers';
import { loadLocalConfig } from '../../local/local-config';
import { acceptedId, jobOf, until, useLocalSystem } from '../support/local-e2e';

const repo = resolve(__dirname, '../..');
const root = mkdtempSync(join(tmpdir(), 'dev-reload-'));
cpSync(join(repo, 'lambdas'), join(root, 'lambdas'), { recursive: true });
for (const file of ['package.json', 'tsconfig.json']) cpSync(join(repo, file), join(root, file));
// The copy's imports (zod, the AWS SDK, Powertools) resolve from the repository's packages.
symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');

const lines: string[] = [];
let watcher: HandlerWatcher | undefined;

const local = useLocalSystem(() => ({
  config: loadLocalConfig({
    jobTypes: { echo: { pollIntervalSeconds: 1 }, sleep: { pollIntervalSeconds: 1 } },
  }),
  dynamodb: 'dynalite',
  sweepIntervalMs: 0,
  handlerModules: loadHandlerModules(root),
}));

afterAll(() => {
  watcher?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Starts watching the copy once the system runs (the first test to need it). */
function watching(): void {
  watcher ??= watchHandlers({ root, system: local.system, log: (line) => lines.push(line), debounceMs: 100 });
}

/** Rewrites one file of the copy and waits for the watcher's next line about it. */
async function edit(file: string, change: (source: string) => string): Promise<string> {
  watching();
  const path = join(root, 'lambdas', file);
  const seen = lines.length;
  writeFileSync(path, change(readFileSync(path, 'utf8')));
  const after = await until(
    async () => lines.slice(seen).find((line) => line.startsWith('[dev] ') && !line.includes('watching')),
    (line) => line !== undefined,
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  return after ?? '';
}

async function completed(name: string, input: unknown) {
  const id = await acceptedId(local.client, name, input);
  const { job } = await local.client.waitFor(id, { timeoutMs: 20_000 });
  expect(job.status, JSON.stringify(job)).toBe('Completed');
  return job;
}

const ECHO = 'handler: async (input) => input,';

describe('npm run dev: reloading the handlers', () => {
  it('runs a changed job handler for the next job, keeping the stored jobs', async () => {
    const before = await completed('echo', { n: 1 });
    expect(before.result).toEqual({ n: 1 });

    const line = await edit('jobs/echo.ts', (source) =>
      source.replace(ECHO, 'handler: async (input) => ({ ...input, generation: 2 }),'),
    );
    expect(line).toMatch(/^\[dev\] reloaded handlers in \d+ ms \(lambdas\/jobs\/echo\.ts\)$/);

    expect((await completed('echo', { n: 2 })).result).toEqual({ n: 2, generation: 2 });
    // The data and the emulators stayed: the first job is still there, as it finished.
    expect(await jobOf(local.client, before.id)).toMatchObject({ status: 'Completed', result: { n: 1 } });
  });

  it('lets a running job finish on the handler it started on', async () => {
    const running = await acceptedId(local.client, 'sleep', { ms: 3_000 });
    await until(
      () => jobOf(local.client, running),
      (job) => job.status === 'InProgress',
      { timeoutMs: 20_000 },
    );
    const line = await edit('jobs/sleep.ts', (source) =>
      source.replace('return { sleptMs: ms };', 'return { sleptMs: ms + 1 };'),
    );
    expect(line).toMatch(/reloaded handlers/);

    const old = (await local.client.waitFor(running, { timeoutMs: 20_000 })).job;
    expect(old).toMatchObject({ status: 'Completed', result: { sleptMs: 3_000 } });
    expect((await completed('sleep', { ms: 10 })).result).toEqual({ sleptMs: 11 });
  });

  it('keeps the previous handlers and prints the error when the change does not compile', async () => {
    const line = await edit('jobs/echo.ts', (source) =>
      source.replace('generation: 2 }),', 'generation: 3 ),'),
    );
    expect(line).toMatch(
      /^\[dev\] reload failed \(lambdas\/jobs\/echo\.ts\); the previous handlers keep running:/,
    );
    expect(line).toMatch(/echo\.ts/);
    expect((await completed('echo', { n: 3 })).result).toEqual({ n: 3, generation: 2 });
  });

  it('keeps the previous handlers when a module throws while loading', async () => {
    const line = await edit(
      'jobs/echo.ts',
      (source) =>
        `throw new Error('broken at load');\n${source.replace('generation: 3 ),', 'generation: 4 }),')}`,
    );
    expect(line).toMatch(/reload failed/);
    expect(line).toMatch(/broken at load/);
    expect((await completed('echo', { n: 4 })).result).toEqual({ n: 4, generation: 2 });

    // Fixed again: the next save reloads.
    const fixed = await edit('jobs/echo.ts', (source) =>
      source.replace("throw new Error('broken at load');\n", ''),
    );
    expect(fixed).toMatch(/reloaded handlers/);
    expect((await completed('echo', { n: 5 })).result).toEqual({ n: 5, generation: 4 });
  });

  it('asks for a restart when the change adds a job type, and keeps running', async () => {
    const line = await edit('jobs/catalog.ts', (source) => {
      // Written in the same burst as the catalog, so one reload sees both.
      writeFileSync(
        join(root, 'lambdas/jobs/echo-again.ts'),
        readFileSync(join(root, 'lambdas/jobs/echo.ts'), 'utf8').replace(
          "name: 'echo'",
          "name: 'echo-again'",
        ),
      );
      return source
        .replace(
          "import echo from './echo';",
          "import echo from './echo';\nimport echoAgain from './echo-again';",
        )
        .replace('[echo, sleep', '[echo, echoAgain, sleep');
    });
    expect(line).toMatch(/^\[dev\] not reloaded: The change adds echo-again: .* Restart/);
    expect((await local.client.submit('echo-again', {})).status).toBe(404);
    expect((await completed('echo', { n: 6 })).result).toEqual({ n: 6, generation: 4 });
  });
});
