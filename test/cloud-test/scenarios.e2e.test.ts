/**
 * The smoke test's scenarios against the local system: the same functions `npm run test:cloud`
 * runs against a deployed stage, proven offline. Every response is also checked against the
 * OpenAPI document.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { JobsClient } from '../../client';
import { SCENARIOS, type ScenarioContext } from '../../cloud-test/scenarios';
import { useClientTestSystem } from '../support/client-e2e';

const local = useClientTestSystem();
let context: ScenarioContext;

beforeAll(() => {
  const client = new JobsClient({
    url: local.system.url,
    principal: `smoke-${randomUUID()}`,
    fetch: local.checked.fetch,
  });
  // Generous: a loaded 2-core machine runs the emulators and the processors too.
  context = { client, timeoutMs: 60_000 };
});

describe('the smoke test scenarios, against the local system', () => {
  for (const scenario of SCENARIOS) {
    it(`passes "${scenario.name}"`, async () => {
      const account = await scenario.run(context);
      expect(account).toEqual(expect.any(String));
      expect(account.length).toBeGreaterThan(0);
    });
  }

  it('fails a scenario whose expectation breaks, naming the job', async () => {
    // A client whose every job reads back as Failed: "submit and wait" must say so.
    const failing: typeof fetch = async (input, init) => {
      const response = await local.checked.fetch(input, init);
      if (init?.method !== 'GET') return response;
      const body = (await response.json()) as Record<string, unknown>;
      return Response.json(
        { ...body, status: 'Failed' },
        { status: response.status, headers: response.headers },
      );
    };
    const client = new JobsClient({
      url: local.system.url,
      principal: `smoke-${randomUUID()}`,
      fetch: failing,
    });
    const submitAndWait = SCENARIOS.find((s) => s.name === 'submit and wait');
    await expect(submitAndWait?.run({ client, timeoutMs: 10_000 })).rejects.toThrow(
      /^echo job \S+ ended Failed$/,
    );
  });

  it('matched the OpenAPI document with every response', () => {
    expect(local.checked.count()).toBeGreaterThan(20);
    expect(local.checked.mismatches).toEqual([]);
  });
});
