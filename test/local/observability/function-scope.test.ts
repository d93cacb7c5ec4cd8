import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { currentFunction, inFunction, namedFunctions } from '../../../local/observability/function-scope';

describe('function scope', () => {
  it('names the running function across awaits, and nothing outside it', async () => {
    const seen: (string | undefined)[] = [];
    const handler = inFunction('submit', async () => {
      seen.push(currentFunction());
      await delay(1);
      seen.push(currentFunction());
    });
    await Promise.all([handler(), inFunction('get-job', async () => seen.push(currentFunction()))()]);
    expect(seen.sort()).toEqual(['get-job', 'submit', 'submit']);
    expect(currentFunction()).toBeUndefined();
  });

  it('runs each handler of a map as the function named after its key, kebab-cased', async () => {
    const handlers = namedFunctions({
      submit: async (value: number) => [currentFunction(), value] as const,
      getJob: async (value: number) => [currentFunction(), value] as const,
    });
    expect(await handlers.submit(1)).toEqual(['submit', 1]);
    expect(await handlers.getJob(2)).toEqual(['get-job', 2]);
  });
});
