/**
 * `DELETE /jobs/{id}` end to end through HTTP against the local system: a queued job ends at
 * once and never runs; a running one is stopped by its worker at the next heartbeat. The
 * processor lease is 1.5 s here (renewed every 0.5 s), so a cancel takes effect within a second.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../local/local-config';
import { acceptedId, jobOf, until, useLocalSystem } from '../support/local-e2e';

const local = useLocalSystem(() => ({
  config: loadLocalConfig({
    // Two sleeps at most run at once, one per invocation: a third one waits Queued.
    jobTypes: { sleep: { maxConcurrency: 2, reservedConcurrency: 2, batchSize: 1 } },
  }),
  leaseMs: 1_500,
}));

const LONG_SLEEP_MS = 15_000;

const job = (id: string) => jobOf(local.client, id);
const submitSleep = (ms: number) => acceptedId(local.client, 'sleep', { ms });

describe('DELETE /jobs/{id}, end to end', () => {
  it('cancels a queued job at once (200), and it never starts', async () => {
    const ids = [
      await submitSleep(LONG_SLEEP_MS),
      await submitSleep(LONG_SLEEP_MS),
      await submitSleep(LONG_SLEEP_MS),
    ];
    const jobs = await until(
      () => Promise.all(ids.map(job)),
      (all) => all.filter((j) => j.status === 'InProgress').length === 2,
    );
    const queued = jobs.find((j) => j.status === 'Queued');
    expect(queued).toBeDefined();
    const canceled = await local.client.cancel(String(queued?.id));
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({
      id: queued?.id,
      status: 'Canceled',
      startedAt: null,
      attempt: 0,
      error: { code: 'CANCELED' },
    });

    // Free the two workers: cancel the running jobs too (each 202, then Canceled).
    const running = jobs.filter((j) => j.status === 'InProgress');
    for (const j of running) expect((await local.client.cancel(j.id)).status).toBe(202);
    for (const j of running)
      expect((await local.client.waitFor(j.id, { timeoutMs: 10_000 })).job.status).toBe('Canceled');

    // The canceled job's message was delivered once a worker was free, and acknowledged unrun.
    const queueUrl = local.system.provisioned.queues.sleep?.queueUrl;
    await until(
      () =>
        local.system.sqs.client.send(
          new GetQueueAttributesCommand({
            QueueUrl: queueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        ),
      ({ Attributes = {} }) =>
        Attributes.ApproximateNumberOfMessages === '0' &&
        Attributes.ApproximateNumberOfMessagesNotVisible === '0',
    );
    expect(await job(String(queued?.id))).toMatchObject({
      status: 'Canceled',
      attempt: 0,
      startedAt: null,
      history: [],
    });
  });

  it('stops a running job (202), which ends Canceled well before its sleep would finish', async () => {
    const id = await submitSleep(LONG_SLEEP_MS);
    await until(
      () => job(id),
      (j) => j.status === 'InProgress',
    );
    const requestedAt = Date.now();
    const reply = await local.client.cancel(id);
    expect(reply.status).toBe(202);
    expect(reply.body).toMatchObject({ id, status: 'InProgress', cancelRequested: true });
    // Asking again changes nothing.
    expect((await local.client.cancel(id)).status).toBe(202);

    const { job: done } = await local.client.waitFor(id, { timeoutMs: 10_000 });
    expect(Date.now() - requestedAt).toBeLessThan(5_000);
    expect(done).toMatchObject({
      status: 'Canceled',
      cancelRequested: true,
      attempt: 1,
      error: { code: 'CANCELED' },
      result: null,
    });
    expect(done.history.map((h) => [h.attempt, h.outcome, h.errorCode])).toEqual([
      [1, 'canceled', 'CANCELED'],
    ]);
    expect(Date.parse(done.completedAt ?? '') - Date.parse(done.startedAt ?? '')).toBeLessThan(
      LONG_SLEEP_MS / 2,
    );
  });

  it('answers 409 for a job that already finished', async () => {
    const { body } = await local.client.submit('echo', { n: 1 });
    const id = String(body.id);
    expect((await local.client.waitFor(id)).job.status).toBe('Completed');
    const reply = await local.client.cancel(id);
    expect(reply.status).toBe(409);
    expect(reply.headers.get('content-type')).toBe('application/problem+json');
    expect(reply.body).toMatchObject({ status: 409, code: 'JOB_ALREADY_FINISHED', jobId: id });
    expect((await job(id)).status).toBe('Completed');
  });

  it("answers 404 for another caller's job and leaves it alone", async () => {
    const id = await submitSleep(50);
    const reply = await local.client.cancel(id, 'mallory');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ code: 'JOB_NOT_FOUND' });
    expect((await local.client.waitFor(id)).job.status).toBe('Completed');
  });
});
