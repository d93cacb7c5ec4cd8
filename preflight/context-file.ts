/**
 * `cdk.context.json`, where CDK caches what its lookups read and where `preflight` records the
 * account: read to find the stages an earlier record named, written by merging one key into
 * what is there (other keys, CDK's lookups included, are kept as they are).
 */
import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { isPlainObject } from '../lib/config-problems';
import type { PreflightRecord } from '../lib/preflight-record';

/** The file's name; CDK reads it from the app's directory. */
export const CONTEXT_FILE = 'cdk.context.json';

/** `cdk.context.json` exists but is not a JSON object: it is not overwritten. */
export class ContextFileError extends Error {
  override readonly name = 'ContextFileError';
}

/**
 * The file's keys and values; `{}` when there is no file.
 * @throws ContextFileError when the file is not a JSON object
 */
export async function readContextFile(dir: string): Promise<Record<string, unknown>> {
  const file = path.join(dir, CONTEXT_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ContextFileError(`could not read ${CONTEXT_FILE}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ContextFileError(
      `${CONTEXT_FILE} is not valid JSON (${(error as Error).message}); fix or remove it`,
    );
  }
  if (!isPlainObject(value)) throw new ContextFileError(`${CONTEXT_FILE} must hold a JSON object`);
  return value;
}

/**
 * Sets `key` to `record` in the directory's `cdk.context.json`, keeping every other key, and
 * replaces the file in one rename so a crash never leaves half a file.
 * @returns the file's path
 * @throws ContextFileError when the existing file is not a JSON object
 */
export async function writePreflightRecord(
  dir: string,
  key: string,
  record: PreflightRecord,
): Promise<string> {
  const file = path.join(dir, CONTEXT_FILE);
  const context = await readContextFile(dir);
  context[key] = record;
  const temporary = `${file}.${randomUUID()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(context, null, 2)}\n`, 'utf8');
  await rename(temporary, file);
  return file;
}
