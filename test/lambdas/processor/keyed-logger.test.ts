import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withKeys } from '../../../lambdas/processor/keyed-logger';

let lines: Record<string, unknown>[];
beforeEach(() => {
  vi.stubEnv('POWERTOOLS_DEV', 'false');
  lines = [];
  // Powertools writes DEBUG and INFO to stdout, WARN and ERROR to stderr.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      return true;
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('withKeys', () => {
  it('writes the keys on every line, as a child logger with appended keys does', () => {
    const logger = new Logger({ serviceName: 'svc', logLevel: 'DEBUG' });
    const keyed = withKeys(logger, { jobId: 'j-1', jobName: 'echo' });
    keyed.debug('one');
    keyed.info('two', { outcome: 'completed' });
    keyed.warn('three', { attempt: 2 }, { decision: 'retry' });
    keyed.error('four');
    const child = logger.createChild();
    child.appendKeys({ jobId: 'j-1', jobName: 'echo' });
    child.info('two', { outcome: 'completed' });
    const strip = ({ timestamp: _, ...rest }: Record<string, unknown>) => rest;
    expect(lines.map((l) => [l.level, l.message, l.jobId, l.jobName])).toEqual([
      ['DEBUG', 'one', 'j-1', 'echo'],
      ['INFO', 'two', 'j-1', 'echo'],
      ['WARN', 'three', 'j-1', 'echo'],
      ['ERROR', 'four', 'j-1', 'echo'],
      ['INFO', 'two', 'j-1', 'echo'],
    ]);
    expect(lines[2]).toMatchObject({ attempt: 2, decision: 'retry' });
    // The same fields as the child's line.
    expect(strip(lines[1] as Record<string, unknown>)).toEqual(strip(lines[4] as Record<string, unknown>));
  });

  it("lets a line's own attribute win over a key of the same name, and leaves the logger unchanged", () => {
    const logger = new Logger({ serviceName: 'svc', logLevel: 'INFO' });
    withKeys(logger, { jobId: 'j-1' }).info('x', { jobId: 'other' });
    logger.info('plain');
    expect(lines[0]?.jobId).toBe('other');
    expect(lines[1]).not.toHaveProperty('jobId');
  });
});
