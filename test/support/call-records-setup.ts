/**
 * Global setup: empties the directory the local systems record their AWS calls into, so the
 * permission contract checks this run's calls only, never a stale record of an earlier run.
 */
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { RECORD_CALLS_ENV } from '../../local/call-recorder';

let cleared = false;

export default function setup(project: TestProject): void {
  // Every project inherits this setup; the first one clears, before any test file runs.
  if (cleared) return;
  cleared = true;
  const dir = project.config.env[RECORD_CALLS_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
