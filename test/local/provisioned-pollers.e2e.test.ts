/**
 * Provisioned pollers in the local mode: the same config as on AWS runs, and the emulated event
 * source runs `maximum x 10` invocations at once, never more. `sleep` gets 2 pollers (20
 * invocations) on its normal lane and 2 on its high-priority lane; normal-lane invocations wait
 * at a gate, so the test counts how many run at once without timing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../local/local-config';
import { type LocalSystem, startLocalSystem } from '../../local/local-system';
import { localClient } from '../support/local-client';

let system: LocalSystem;
let client: ReturnType<typeof localClient>;
const errors: unknown[] = [];
let openGate!: () => void;
const gate = new Promise<void>((resolve) => {
  openGate = resolve;
});

beforeAll(async () => {
  const config = loadLocalConfig({
    jobTypes: {
      sleep: {
        batchSize: 1,
        provisionedPollers: { minimum: 2, maximum: 2 },
        highPriorityProvisionedPollers: { minimum: 2, maximum: 2 },
      },
    },
  });
  system = await startLocalSystem({
    config,
    port: 0,
    sweepIntervalMs: 0,
    onError: (error) => errors.push(error),
    wrapProcessor: (name, processor) =>
      name === 'sleep'
        ? async (event, context) => {
            if (event.Records[0]?.eventSourceARN === system?.provisioned.queues.sleep?.queueArn) await gate;
            return processor(event, context);
          }
        : processor,
  });
  client = localClient(system.url);
}, 60_000);

afterAll(async () => {
  openGate();
  await system?.stop();
});

const waitUntil = async (what: string, done: () => boolean, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('provisioned pollers, locally', () => {
  it('starts maximum x 10 pollers on each lane', () => {
    expect(system.config.jobTypes.find((j) => j.name === 'sleep')?.settings).toMatchObject({
      maxConcurrency: 20,
      highPriorityMaxConcurrency: 20,
      reservedConcurrency: 40,
    });
    expect(system.eventSources.sleep?.pollers).toBe(20);
    expect(system.highPriorityEventSources.sleep?.pollers).toBe(20);
  });

  it('runs at most maximum x 10 invocations at once, and completes every job', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const { status, body } = await client.submit('sleep', { ms: 0 });
      expect(status).toBe(202);
      ids.push(String(body.id));
    }
    const source = system.eventSources.sleep;
    if (!source) throw new Error('no event source for sleep');
    await waitUntil('20 invocations held at the gate', () => source.stats.inFlightInvocations === 20);
    // Five messages are left waiting: no poller is free to take them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(source.stats.inFlightInvocations).toBe(20);
    // The high-priority lane has pollers of its own and runs meanwhile.
    const { body } = await client.submit('sleep', { ms: 0 }, { Priority: 'high' });
    const urgent = await client.waitFor(String(body.id), { timeoutMs: 20_000 });
    expect(urgent.job.status).toBe('Completed');

    openGate();
    for (const id of ids) {
      const { job } = await client.waitFor(id, { timeoutMs: 20_000 });
      expect(job.status).toBe('Completed');
    }
    expect(source.stats.maxConcurrentInvocations).toBe(20);
    expect(errors).toEqual([]);
  }, 60_000);
});
