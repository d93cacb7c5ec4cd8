/** The real command runner, on small Node child processes. */
import { describe, expect, it } from 'vitest';
import { lastLines, spawnCommand } from '../../cloud-test/command-runner';

const node = (script: string) => ['-e', script];

describe('spawnCommand', () => {
  it('returns the exit code and everything the program wrote, passing each line on', async () => {
    const lines: string[] = [];
    const result = await spawnCommand(
      process.execPath,
      node('console.log("one"); console.error("two"); process.stdout.write("three"); process.exit(3)'),
      { onLine: (line) => lines.push(line) },
    );
    expect(result.exitCode).toBe(3);
    expect(result.output).toContain('one\n');
    expect(result.output).toContain('two\n');
    expect([...lines].sort()).toEqual(['one', 'three', 'two']);
  });

  it('passes the extra environment variables', async () => {
    const result = await spawnCommand(process.execPath, node('console.log(process.env.SMOKE_TEST_MARK)'), {
      env: { SMOKE_TEST_MARK: 'set' },
    });
    expect(result).toEqual({ exitCode: 0, output: 'set\n' });
  });

  it('stops the program with SIGINT when the signal aborts', async () => {
    const controller = new AbortController();
    const running = spawnCommand(process.execPath, node('console.log("up"); setInterval(() => {}, 1000)'), {
      signal: controller.signal,
      onLine: (line) => {
        if (line === 'up') controller.abort();
      },
    });
    await expect(running).resolves.toMatchObject({ exitCode: 130 });
  });

  it('answers 127 when the program cannot be started', async () => {
    const result = await spawnCommand('async-endpoints-no-such-program', []);
    expect(result.exitCode).toBe(127);
    expect(result.output).toContain('ENOENT');
  });
});

describe('lastLines', () => {
  it('keeps the last non-empty lines', () => {
    expect(lastLines('a\n\nb\nc\n\n', 2)).toBe('b\nc');
  });
});
