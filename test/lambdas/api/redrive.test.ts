import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InMemoryDeadLetters } from '../../../lambdas/adapters/in-memory-dead-letters';
import { InMemoryJobQueue } from '../../../lambdas/adapters/in-memory-job-queue';
import { InMemoryJobStore } from '../../../lambdas/adapters/in-memory-job-store';
import { makeRedriveHandler, parseOptions } from '../../../lambdas/api/redrive';
import { apiEvent } from '../../support/api-events';
import { aJob, ManualClock, silentLogger } from '../../support/jobs';

const ID = aJob().id;

async function setup() {
  const store = new InMemoryJobStore();
  await store.create(aJob({ status: 'Failed', attempt: 1, error: { code: 'BOOM', message: 'x' } }));
  const deadLetters = new InMemoryDeadLetters();
  deadLetters.add(ID);
  const queue = new InMemoryJobQueue();
  const handler = makeRedriveHandler({
    store,
    queuesFor: (name) => (name === 'echo' ? { queue, deadLetters } : undefined),
    clock: new ManualClock(),
    sleep: async () => {},
    logger: silentLogger,
    retentionSeconds: 3_600,
  });
  const redrive = (name: string, body: string | null, caller?: string | null) => {
    const event = apiEvent({ method: 'POST', path: `/admin/jobs/${name}/redrive`, body, caller });
    return handler({ ...event, pathParameters: { name } } as APIGatewayProxyEvent);
  };
  return { redrive, store, queue, deadLetters };
}

describe('POST /admin/jobs/{name}/redrive', () => {
  it('answers 200 with the counts, defaults applying to an empty body', async () => {
    const { redrive, queue, store } = await setup();
    const response = await redrive('echo', null);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({
      moved: 1,
      stale: 0,
      skipped: 0,
      notFound: 0,
      errors: 0,
      complete: true,
      stoppedBy: 'drained',
    });
    expect(queue.sent).toEqual([{ id: ID, name: 'echo' }]);
    expect((await store.get(ID))?.status).toBe('Queued');
  });

  it('redrives only the listed job ids', async () => {
    const { redrive, deadLetters } = await setup();
    deadLetters.add('00000000-0000-4000-8000-0000000000ff');
    const response = await redrive('echo', JSON.stringify({ jobIds: [ID.toUpperCase()] }));
    expect(JSON.parse(response.body)).toMatchObject({ moved: 1, skipped: 0 });
    expect(deadLetters.remaining).toEqual(['00000000-0000-4000-8000-0000000000ff']);
  });

  it('answers 404 UNKNOWN_JOB_TYPE for a name that is no job type', async () => {
    const { redrive } = await setup();
    const response = await redrive('nope', null);
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body).code).toBe('UNKNOWN_JOB_TYPE');
  });

  it('answers 400 INVALID_INPUT naming every bad field, and moves nothing', async () => {
    const { redrive, queue } = await setup();
    const response = await redrive(
      'echo',
      JSON.stringify({ jobIds: ['x'], max: 10_001, ratePerSecond: 501, extra: 1 }),
    );
    expect(response.statusCode).toBe(400);
    const problem = JSON.parse(response.body);
    expect(problem.code).toBe('INVALID_INPUT');
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      '$.extra',
      '$.jobIds',
      '$.max',
      '$.ratePerSecond',
    ]);
    expect(queue.sent).toEqual([]);
  });

  it('answers 403 without an IAM caller identity', async () => {
    const { redrive } = await setup();
    expect((await redrive('echo', null, null)).statusCode).toBe(403);
  });
});

describe('parseOptions', () => {
  it.each([
    [undefined, { max: 100, ratePerSecond: 50 }],
    [{}, { max: 100, ratePerSecond: 50 }],
    [
      { max: 10_000, ratePerSecond: 500 },
      { max: 10_000, ratePerSecond: 500 },
    ],
    [{ jobIds: [ID, ID] }, { jobIds: [ID], max: 2, ratePerSecond: 50 }],
  ])('reads %j as %j', (body, expected) => {
    expect(parseOptions(body)).toEqual(expected);
  });

  it.each([[[]], ['x'], [{ jobIds: [] }], [{ max: 0 }], [{ max: 1.5 }], [{ ratePerSecond: 0 }]])(
    'refuses %j',
    (body) => {
      expect(() => parseOptions(body)).toThrow(/not valid|JSON object/);
    },
  );
});
