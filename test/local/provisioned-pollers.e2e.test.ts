/**
 * Provisioned pollers in the local mode: the same config as on AWS runs, and the emulated event
 * source runs `maximum x 10` invocations at once, never more. `sleep` gets 2 pollers (20
 * invocations) on its normal lane and 2 on its high-priority lane; normal-lane invocations wait
 * at a gate, so the test counts how many run at once without timing.
 */
import { describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../local/local-config';
import { acceptedId, until, useLocalSystem } from '../support/local-e2e';

const errors: unknown[] = [];
let openGate!: () => void;
const gate = new Promise<void>((resolve) => {
  openGate = resolve;
});

const local = useLocalSystem(
  () => ({
    config: loadLocalConfig({
      jobTypes: {
        sleep: {
          batchSize: 1,
          provisionedPollers: { minimum: 2, maximum: 2 },
          highPriorityProvisionedPollers: { minimum: 2, maximum: 2 },
        },
      },
    }),
    sweepIntervalMs: 0,
    onError: (error) => errors.push(error),
    wrapProcessor: (name, processor) =>
      name === 'sleep'
        ? async (event, context) => {
            if (event.Records[0]?.eventSourceARN === local.system.provisioned.queues.sleep?.queueArn)
              await gate;
            return processor(event, context);
          }
        : processor,
  }),
  { beforeStop: () => openGate() },
);

describe('provisioned pollers, locally', () => {
  it('starts maximum x 10 pollers on each lane', () => {
    expect(local.system.config.jobTypes.find((j) => j.name === 'sleep')?.settings).toMatchObject({
      maxConcurrency: 20,
      highPriorityMaxConcurrency: 20,
      reservedConcurrency: 40,
    });
    expect(local.system.eventSources.sleep?.pollers).toBe(20);
    expect(local.system.highPriorityEventSources.sleep?.pollers).toBe(20);
  });

  it('runs at most maximum x 10 invocations at once, and completes every job', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push(await acceptedId(local.client, 'sleep', { ms: 0 }));
    const source = local.system.eventSources.sleep;
    if (!source) throw new Error('no event source for sleep');
    // Every poller takes a message and waits at the gate: 20 invocations at once.
    await until(
      async () => source.stats.inFlightInvocations,
      (n) => n === 20,
      { timeoutMs: 20_000, intervalMs: 50 },
    );
    // Five messages are left waiting: no poller is free to take them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(source.stats.inFlightInvocations).toBe(20);
    // The high-priority lane has pollers of its own and runs meanwhile.
    const { body } = await local.client.submit('sleep', { ms: 0 }, { Priority: 'high' });
    const urgent = await local.client.waitFor(String(body.id), { timeoutMs: 20_000 });
    expect(urgent.job.status).toBe('Completed');

    openGate();
    for (const id of ids) {
      const { job } = await local.client.waitFor(id, { timeoutMs: 20_000 });
      expect(job.status).toBe('Completed');
    }
    expect(source.stats.maxConcurrentInvocations).toBe(20);
    expect(errors).toEqual([]);
  }, 60_000);
});
