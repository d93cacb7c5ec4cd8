/**
 * The CLI against the local system: each command run in-process through `runCli(argv, io)`
 * (every response checked against the OpenAPI document), and the real `npx async-endpoints`
 * in a child process.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../cli/io';
import { runCli } from '../../cli/main';
import type { JobView } from '../../lambdas/core/job';
import type { JobSummaryView } from '../../lambdas/core/job-summary';
import { useClientTestSystem } from '../support/client-e2e';

const root = path.join(__dirname, '..', '..');
const local = useClientTestSystem();
const principal = `cli-test-${randomUUID()}`;

/** Runs the CLI in-process against the local system, capturing what it writes. */
async function cli(argv: string[], extra: Partial<CliIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    env: {},
    fetch: local.checked.fetch,
    ...extra,
  };
  const code = await runCli([...argv, '--url', local.system.url, '--principal', principal], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const parse = (text: string) => JSON.parse(text) as JobView;

describe('async-endpoints, in-process', () => {
  it('submits a job, then waits for it, printing plain progress lines off a terminal', async () => {
    const submitted = await cli(['submit', 'echo', '{"hello":"cli"}', '--json']);
    expect(submitted.code).toBe(0);
    const job = parse(submitted.out);
    expect(job).toMatchObject({ name: 'echo', status: 'Queued' });

    const waited = await cli(['wait', job.id, '--json']);
    expect(waited.code).toBe(0);
    expect(parse(waited.out)).toMatchObject({ id: job.id, status: 'Completed', result: { hello: 'cli' } });
    expect(waited.err).toMatch(new RegExp(`${job.id} Completed`));

    const status = await cli(['status', job.id]);
    expect(status.code).toBe(0);
    expect(status.out).toContain(`Job ${job.id} (echo)`);
    expect(status.out).toMatch(/Status: +Completed/);
    expect(status.out).toContain('Result:    {"hello":"cli"}');
  });

  it('draws a progress bar in place on a terminal', async () => {
    const lines: string[] = [];
    const result = await cli(['submit', 'sleep', '{"ms":1500}', '--wait'], {
      status: (line) => lines.push(line),
    });
    expect(result.code).toBe(0);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^sleep [0-9a-f]{8} \[#{24}\] 100% Completed \(\d+ s\)$/);
    expect(lines.some((line) => /\[\.{24}\] (Queued|InProgress)/.test(line))).toBe(true);
    expect(result.out).toContain('Result:    {"sleptMs":1500}');
  });

  it('exits 1 when the job fails, 4 when the wait times out, and cancels', async () => {
    const failed = await cli(['submit', 'fail', '{"permanent":true}', '--wait']);
    expect(failed.code).toBe(1);
    expect(failed.out).toMatch(/Status: +Failed/);
    expect(failed.out).toContain('PLANNED_FAILURE');

    const long = parse((await cli(['submit', 'sleep', '{"ms":30000}', '--json'])).out);
    const timedOut = await cli(['wait', long.id, '--timeout', '300ms']);
    expect(timedOut.code).toBe(4);
    expect(timedOut.err).toMatch(/Timed out after 300 ms/);

    const canceled = await cli(['cancel', long.id]);
    expect(canceled.code).toBe(0);
    expect(canceled.out).toMatch(/^(Canceled|Cancel requested)/);
    expect((await cli(['wait', long.id, '--timeout', '20s'])).code).toBe(1);
  });

  it('retries a Failed job and redrives its dead letter', async () => {
    const failed = parse((await cli(['submit', 'fail', '{"permanent":true}', '--wait', '--json'])).out);
    const retried = await cli(['retry', failed.id]);
    expect(retried).toMatchObject({ code: 0, out: `Queued fail job ${failed.id} again.` });
    expect((await cli(['wait', failed.id])).code).toBe(1);

    const redriven = await cli(['redrive', 'fail', '--job-id', failed.id]);
    expect(redriven.code).toBe(0);
    expect(redriven.out).toMatch(/Redrive of fail: 1 moved/);
    expect(redriven.out).toContain('Complete (all-selected).');
  });

  it("lists the caller's jobs as a table, as JSON pages, and all of them", async () => {
    const table = await cli(['list', '--name', 'echo']);
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^ID +NAME +STATUS +CREATED +FINISHED$/);
    const page = JSON.parse((await cli(['list', '--limit', '1', '--json'])).out) as {
      items: JobSummaryView[];
      nextCursor: string;
    };
    expect(page.items[0]?.href).toBe(`/jobs/${page.items[0]?.id}`);
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toEqual(expect.any(String));
    const all = JSON.parse((await cli(['list', '--all', '--limit', '2', '--json'])).out) as JobSummaryView[];
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(new Set(all.map((j) => j.id)).size).toBe(all.length);
  });

  it('reads the input from a file or standard input, and sends an idempotency key', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cli-'));
    await writeFile(path.join(dir, 'input.json'), '{"from":"file"}');
    const fromFile = parse(
      (await cli(['submit', 'echo', `@${path.join(dir, 'input.json')}`, '--json', '--idempotency-key', 'k1']))
        .out,
    );
    const again = parse(
      (await cli(['submit', 'echo', `@${path.join(dir, 'input.json')}`, '--json', '--idempotency-key', 'k1']))
        .out,
    );
    expect(again.id).toBe(fromFile.id);
    const fromStdin = await cli(['submit', 'echo', '-', '--wait', '--json'], {
      stdin: async () => '{"from":"stdin"}',
    });
    expect(parse(fromStdin.out).result).toEqual({ from: 'stdin' });
  });

  it('exits 3 with the problem on API errors', async () => {
    const missing = await cli(['status', randomUUID()]);
    expect(missing.code).toBe(3);
    expect(missing.err).toMatch(/^Error: 404 JOB_NOT_FOUND: Job .* was not found$/);

    const invalid = await cli(['submit', 'sleep', '{"ms":"soon"}', '--json']);
    expect(invalid.code).toBe(3);
    expect(invalid.err).toContain('$.ms:');
    expect(JSON.parse(invalid.out)).toMatchObject({ error: { status: 400, code: 'INVALID_INPUT' } });

    const unknown = await cli(['submit', 'resize', '{}']);
    expect(unknown).toMatchObject({ code: 3, err: expect.stringContaining('404 UNKNOWN_JOB_TYPE') });
  });

  it.each([
    [['bogus'], /Unknown command 'bogus'/],
    [['status'], /Expected 1 argument/],
    [['list', '--limit', 'ten'], /--limit must be a positive integer/],
    [['wait', 'x', '--timeout', 'soon'], /--timeout must be a duration/],
    [['submit', 'echo', 'not json'], /the input argument is not JSON/],
    [['submit', 'echo', '--priority', 'urgent'], /--priority must be high or normal/],
    [['status', 'x', '--colour'], /Unknown option '--colour'/],
    [['redrive', 'fail', '--job-id', 'x', '--max', '2'], /--job-id or --max, not both/],
  ])('exits 2 for %j', async (argv, message) => {
    const result = await cli(argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  it('prints help, and the OpenAPI document naming the given server', async () => {
    const help = await cli(['wait', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: async-endpoints wait <id>');
    expect(help.out).toContain('--timeout');
    const document = await cli(['openapi']);
    expect(document.code).toBe(0);
    expect(JSON.parse(document.out)).toMatchObject({
      openapi: '3.1.0',
      servers: [{ url: local.system.url }],
    });
    expect(JSON.parse(document.out).components.securitySchemes.apiKey).toBeUndefined();
    const keyed = await cli(['openapi', '--with-api-key']);
    expect(JSON.parse(keyed.out).components.securitySchemes.apiKey).toMatchObject({ name: 'x-api-key' });
  });

  it('matched the OpenAPI document with every response', () => {
    expect(local.checked.count()).toBeGreaterThan(20);
    expect(local.checked.mismatches).toEqual([]);
  });
});

describe('npx async-endpoints, in a child process', () => {
  const run = promisify(execFile);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('ASYNC_ENDPOINTS_')),
  );

  it('submits and waits for a job, printing JSON for scripts', async () => {
    const { stdout } = await run(
      'npx',
      [
        '--offline',
        'async-endpoints',
        'submit',
        'echo',
        '{"via":"npx"}',
        '--wait',
        '--json',
        '--url',
        local.system.url,
      ],
      { cwd: root, env, timeout: 60_000 },
    );
    expect(JSON.parse(stdout)).toMatchObject({ status: 'Completed', result: { via: 'npx' } });
  });

  it('exits 2 on a usage error', async () => {
    const failure = await run('node', [path.join(root, 'cli', 'bin.cjs'), 'status'], {
      cwd: root,
      env,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringContaining('Expected 1 argument') });
  });
});
