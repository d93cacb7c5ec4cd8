/**
 * The local mode's durable state on disk: one folder per stack (stage) under the data root
 * (`.async-endpoints/` in the project for `npm start`), marked with the layout it was written in:
 *
 * ```
 * .async-endpoints/<stackName>/
 *   layout.json        { "layout": 1 }: what wrote the folder, checked before anything reads it
 *   dynamodb-local/    DynamoDB Local's -dbPath (its SQLite file)
 *   dynalite/          dynalite's LevelDB store (used when there is no Java 17)
 *   s3/                the payload bucket's objects, mirrored from fauxqs (see s3-mirror.ts)
 * ```
 * A folder this version cannot read (another layout, a damaged marker, files it did not write)
 * is refused with a message naming it; it is never wiped without `fresh`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** The layout this version writes and reads; bump it when the folder's contents change shape. */
export const DATA_LAYOUT_VERSION = 1;

const MARKER = 'layout.json';

/** The folder's parts, one per emulator (the two DynamoDB emulators keep different formats). */
export type DataPart = 'dynamodb-local' | 'dynalite' | 's3';

/** A data folder this version cannot read, with what to do about it. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

/** An opened data folder. */
export interface DataDir {
  /** The stack's folder, e.g. `<project>/.async-endpoints/async-endpoints-dev`. */
  readonly dir: string;
  /** Whether this start wiped it first (`fresh`). */
  readonly wiped: boolean;
  /** Whether it held nothing before this start (new or wiped). */
  readonly empty: boolean;
  /** The folder of one part, created if missing. */
  path(part: DataPart): string;
}

/** Options of {@link openDataDir}. */
export interface OpenDataDirOptions {
  /** The data root, e.g. `<project>/.async-endpoints`. */
  readonly root: string;
  /** The stack (stage) name: each stage keeps its own folder. */
  readonly stackName: string;
  /**
   * Wipe the stack's folder first (`npm start -- --fresh`).
   * @default false
   */
  readonly fresh?: boolean;
}

/**
 * Opens (creating if needed) the stack's data folder, checking its layout marker.
 *
 * @throws DataDirError when the folder was written in another layout, its marker is damaged,
 *   or it holds files but no marker; the message names the folder and how to start over
 */
export function openDataDir(options: OpenDataDirOptions): DataDir {
  const dir = path.resolve(options.root, options.stackName);
  const wiped = options.fresh === true && existsSync(dir);
  if (wiped) rmSync(dir, { recursive: true, force: true });
  const empty = !existsSync(dir) || readdirSync(dir).length === 0;
  if (empty) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, MARKER), `${JSON.stringify({ layout: DATA_LAYOUT_VERSION })}\n`);
  } else checkLayout(dir);
  return {
    dir,
    wiped,
    empty,
    path(part) {
      const partDir = path.join(dir, part);
      mkdirSync(partDir, { recursive: true });
      return partDir;
    },
  };
}

function checkLayout(dir: string): void {
  const startOver = `Move it away, or start empty with \`npm start -- --fresh\` (which deletes it).`;
  const marker = path.join(dir, MARKER);
  if (!existsSync(marker)) {
    throw new DataDirError(
      `The local data folder ${dir} holds files but no ${MARKER}: it was not written by this local mode. ${startOver}`,
    );
  }
  let layout: unknown;
  try {
    layout = (JSON.parse(readFileSync(marker, 'utf8')) as { layout?: unknown }).layout;
  } catch (error) {
    throw new DataDirError(
      `The local data folder's ${marker} is not readable JSON (${(error as Error).message}): ` +
        `the folder may be damaged. ${startOver}`,
    );
  }
  if (layout !== DATA_LAYOUT_VERSION) {
    throw new DataDirError(
      `The local data folder ${dir} was written in layout ${JSON.stringify(layout)}; this version ` +
        `reads layout ${DATA_LAYOUT_VERSION}. Use the version that wrote it, or: ${startOver}`,
    );
  }
}
