import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATA_LAYOUT_VERSION, DataDirError, openDataDir } from '../../../local/state/data-dir';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'data-dir-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const stackDir = () => path.join(root, 'Stack');

describe('openDataDir', () => {
  it('creates the stack folder with its layout marker, and a folder per part on demand', () => {
    const data = openDataDir({ root, stackName: 'Stack' });
    expect(data).toMatchObject({ dir: stackDir(), wiped: false, empty: true });
    expect(JSON.parse(readFileSync(path.join(stackDir(), 'layout.json'), 'utf8'))).toEqual({
      layout: DATA_LAYOUT_VERSION,
    });
    expect(data.path('s3')).toBe(path.join(stackDir(), 's3'));
    expect(existsSync(path.join(stackDir(), 's3'))).toBe(true);
  });

  it('reopens a folder it wrote, keeping its contents', () => {
    writeFileSync(path.join(openDataDir({ root, stackName: 'Stack' }).path('s3'), 'kept'), 'x');
    const again = openDataDir({ root, stackName: 'Stack' });
    expect(again).toMatchObject({ wiped: false, empty: false });
    expect(existsSync(path.join(stackDir(), 's3', 'kept'))).toBe(true);
  });

  it('wipes the stack folder, and only it, when fresh', () => {
    writeFileSync(path.join(openDataDir({ root, stackName: 'Stack' }).path('s3'), 'gone'), 'x');
    writeFileSync(path.join(openDataDir({ root, stackName: 'Other' }).path('s3'), 'kept'), 'x');
    const fresh = openDataDir({ root, stackName: 'Stack', fresh: true });
    expect(fresh).toMatchObject({ wiped: true, empty: true });
    expect(existsSync(path.join(stackDir(), 's3', 'gone'))).toBe(false);
    expect(existsSync(path.join(root, 'Other', 's3', 'kept'))).toBe(true);
  });

  it.each([
    ['another layout', '{"layout":2}', /written in layout 2; this version reads layout 1/],
    ['a damaged marker', '{"layo', /layout\.json is not readable JSON/],
  ])(
    'refuses a folder with %s, naming it and how to start over, and deletes nothing',
    (_, marker, message) => {
      mkdirSync(stackDir(), { recursive: true });
      writeFileSync(path.join(stackDir(), 'layout.json'), marker);
      expect(() => openDataDir({ root, stackName: 'Stack' })).toThrow(DataDirError);
      expect(() => openDataDir({ root, stackName: 'Stack' })).toThrow(message);
      expect(() => openDataDir({ root, stackName: 'Stack' })).toThrow(/--fresh/);
      expect(readFileSync(path.join(stackDir(), 'layout.json'), 'utf8')).toBe(marker);
    },
  );

  it('refuses a folder holding files it did not write', () => {
    mkdirSync(stackDir(), { recursive: true });
    writeFileSync(path.join(stackDir(), 'notes.txt'), 'mine');
    expect(() => openDataDir({ root, stackName: 'Stack' })).toThrow(/holds files but no layout\.json/);
    expect(existsSync(path.join(stackDir(), 'notes.txt'))).toBe(true);
  });
});
