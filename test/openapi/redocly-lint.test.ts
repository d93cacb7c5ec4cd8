/**
 * The generated OpenAPI document lints clean with Redocly CLI's `recommended` rules: no error and
 * no warning, with and without API keys. The CLI runs as a child process on the document written
 * to a temporary file, and its JSON report is read.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobTypes } from '../../lambdas/jobs/catalog';
import { buildOpenApiDocument } from '../../openapi/document';

const REDOCLY = require.resolve('@redocly/cli/bin/cli.js');

/** What `redocly lint --format json` reports for one document. */
interface LintReport {
  readonly totals: { readonly errors: number; readonly warnings: number };
  readonly problems: readonly { ruleId: string; severity: string; message: string; location: unknown[] }[];
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'redocly-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Lints `document` with the recommended rules (named explicitly, so a config file cannot swap
 * the rule set), offline: no telemetry, no update check. stderr carries the CLI's Node 20
 * deprecation banner; the report is stdout.
 */
function lint(name: string, document: unknown): LintReport {
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(document, null, 2));
  const run = spawnSync(
    process.execPath,
    [REDOCLY, 'lint', file, '--format', 'json', '--extends', 'recommended'],
    {
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    },
  );
  if (run.error) throw run.error;
  try {
    return JSON.parse(run.stdout) as LintReport;
  } catch {
    throw new Error(`redocly lint exited ${run.status} without a JSON report: ${run.stderr}`);
  }
}

/** The problems, one line each, for a readable failure. */
const lines = (report: LintReport) => report.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message}`);

describe('redocly lint (recommended rules)', () => {
  it.each([
    ['the document', {}],
    ['the document with API keys', { apiKeys: true }],
  ])('reports no error and no warning on %s', (_, options) => {
    const report = lint('openapi', buildOpenApiDocument({ jobTypes, ...options }));
    expect(lines(report)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('reports what it finds (the check can fail)', () => {
    const document = buildOpenApiDocument({ jobTypes });
    const broken = {
      ...document,
      info: { ...document.info, contact: undefined },
      components: { ...document.components, headers: { ...document.components.headers, Unused: {} } },
    };
    const report = lint('broken', broken);
    expect(report.totals.warnings + report.totals.errors).toBeGreaterThan(0);
    expect(report.problems.map((p) => p.ruleId)).toContain('no-unused-components');
  });
});
