/**
 * Reads the AWS calls the local end-to-end suites recorded (one file per local system, see
 * `local/call-recorder.ts`) and merges them: one entry per distinct call, counts summed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RECORD_CALLS_ENV, type RecordedCall } from '../../local/call-recorder';

/** The suites whose local systems record calls (any suite that starts one does); the contract runs after them. */
export const RECORDING_SUITES =
  'test/local/*.e2e.test.ts, test/client/*.e2e.test.ts and test/cli/*.e2e.test.ts';

/** The merged records of one run. */
export interface CallRecords {
  readonly calls: RecordedCall[];
  /** How many record files (local systems) contributed. */
  readonly systems: number;
}

/**
 * Every recorded call in `dir`, merged.
 * @throws Error when the directory is unset or holds no records: the recording suites did not
 *   run first, and there would be nothing to check
 */
export function loadCallRecords(dir = process.env[RECORD_CALLS_ENV]): CallRecords {
  const files = dir && existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  const merged = new Map<string, RecordedCall>();
  for (const file of files) {
    const { calls } = JSON.parse(readFileSync(path.join(dir as string, file), 'utf8')) as {
      calls: RecordedCall[];
    };
    for (const { calls: count, ...call } of calls) {
      const key = JSON.stringify(call);
      const seen = merged.get(key);
      merged.set(key, { ...call, calls: (seen?.calls ?? 0) + count });
    }
  }
  if (merged.size === 0) {
    throw new Error(
      `No recorded AWS calls in ${dir ?? `$${RECORD_CALLS_ENV} (unset)`}. The permission contract checks the calls ` +
        `the local end-to-end suites record: run it with them, after them (${RECORDING_SUITES}); \`npm test\` does.`,
    );
  }
  return { calls: [...merged.values()], systems: files.length };
}
