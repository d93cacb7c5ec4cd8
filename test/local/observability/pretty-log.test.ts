import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isLogDocument, prettyLogLine } from '../../../local/observability/pretty-log';

const context = (memory: string) =>
  ({
    functionName: 'my-stack-echo-processor',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:my-stack-echo-processor',
    memoryLimitInMB: memory,
    awsRequestId: 'req-1',
  }) as Context;

/** The documents a real Powertools Logger writes while `log` runs (stdout and stderr). */
function logged(log: (logger: Logger) => void, build = () => new Logger({ serviceName: 'my-stack' })) {
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  try {
    log(build());
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('prettyLogLine', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('shows time, level, function, job id, message and extra keys on one line', () => {
    const [doc] = logged((logger) => {
      logger.addContext(context('512'));
      logger.info('Delivery handled', { jobId: 'job-1', jobName: 'echo', outcome: 'completed', attempt: 1 });
    });
    expect(doc && isLogDocument(doc)).toBe(true);
    const line = prettyLogLine(doc as Record<string, unknown>);
    expect(line).toMatch(
      /^\d{2}:\d{2}:\d{2}\.\d{3} INFO {2}echo-processor job-1 Delivery handled jobName=echo outcome=completed attempt=1 \[cold start, 512 MB\]$/,
    );
  });

  it('marks the cold start only on the first invocation of a function', () => {
    const docs = logged((logger) => {
      logger.addContext(context('1769'));
      logger.info('first');
      logger.addContext(context('1769'));
      logger.info('second');
    });
    const [first, second] = docs.map((doc) => prettyLogLine(doc));
    expect(first).toContain('first [cold start, 1769 MB]');
    expect(second).not.toContain('cold start');
  });

  it('shows an error as its name and message, without the stack, on the same line', () => {
    const [doc] = logged((logger) => logger.error('Unhandled error', { error: new TypeError('bad\nthing') }));
    const line = prettyLogLine(doc as Record<string, unknown>, { functionName: 'submit' });
    expect(line).toMatch(/ ERROR submit - Unhandled error error="TypeError: bad\\nthing"$/);
    expect(line).not.toContain('\n');
    expect(line).not.toContain('at ');
  });

  it('names the function from the caller when the document has no Lambda context, else the component', () => {
    const [plain] = logged((logger) => logger.warn('Job refused: backlog full', { jobName: 'echo' }));
    expect(prettyLogLine(plain as Record<string, unknown>)).toMatch(
      / WARN {2}- - Job refused: backlog full jobName=echo$/,
    );
    const [swept] = logged(
      (logger) => logger.info('Sweep finished', { rescheduled: 0 }),
      () => new Logger({ serviceName: 'my-stack', persistentKeys: { component: 'sweeper' } }),
    );
    expect(prettyLogLine(swept as Record<string, unknown>, { functionName: 'other' })).toMatch(
      / INFO {2}sweeper - Sweep finished rescheduled=0$/,
    );
  });

  it('keeps long lines short: at most six extra keys, long values cut', () => {
    const extras = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`k${i}`, i]));
    const [doc] = logged((logger) => logger.info('many', { ...extras, long: 'x'.repeat(500) }));
    const line = prettyLogLine(doc as Record<string, unknown>);
    expect(line).toContain('k0=0 k1=1 k2=2 k3=3 k4=4 k5=5 (+3 more)');
    expect(line.length).toBeLessThan(200);
  });

  it('colours the level only when asked, keeping the same words', () => {
    const [doc] = logged((logger) => logger.error('boom'));
    const coloured = prettyLogLine(doc as Record<string, unknown>, { colour: true });
    expect(coloured).toContain('\x1b[31mERROR\x1b[0m');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping the ANSI codes.
    expect(coloured.replace(/\x1b\[\d+m/g, '')).toBe(prettyLogLine(doc as Record<string, unknown>));
  });
});

describe('isLogDocument', () => {
  it('accepts a Powertools log document and refuses other JSON', () => {
    expect(isLogDocument({ level: 'INFO', message: 'm', timestamp: '2026-12-04T17:50:00.000Z' })).toBe(true);
    expect(isLogDocument({ level: 'INFO', message: 'm' })).toBe(false);
    expect(isLogDocument({ _aws: {} })).toBe(false);
    expect(isLogDocument(null)).toBe(false);
  });
});
