/**
 * The client's types come from the job catalog: a submission type-checks its input against
 * the job type's schema, and a job's result is typed by its name. Checked by tsc (the
 * `@ts-expect-error` lines fail the build if they ever compile) and by vitest's expectTypeOf.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  type Job,
  type JobInput,
  type JobName,
  type JobResult,
  JobsClient,
  type UntypedJobTypes,
} from '../../client';

const client = new JobsClient({ url: 'http://localhost:3000', fetch: async () => new Response('{}') });

describe('typed client', () => {
  it('knows the catalog', () => {
    expectTypeOf<JobName>().toEqualTypeOf<'echo' | 'sleep' | 'flaky' | 'fail'>();
    expectTypeOf<JobInput<'sleep'>>().toEqualTypeOf<{ ms: number }>();
    expectTypeOf<JobInput<'fail'>>().toEqualTypeOf<{ permanent: boolean }>();
    expectTypeOf<JobResult<'flaky'>>().toEqualTypeOf<{ succeededOnAttempt: number }>();
    expectTypeOf<JobResult<'sleep'>>().toEqualTypeOf<{ sleptMs: number }>();
    expectTypeOf<JobResult<'echo'>>().toEqualTypeOf<Record<string, unknown>>();
  });

  it('checks submissions against the job type', () => {
    expectTypeOf(client.submit('sleep', { ms: 10 })).resolves.toEqualTypeOf<Job<'sleep'>>();
    expectTypeOf(client.submit('echo', { any: ['json'] }))
      .resolves.toHaveProperty('name')
      .toEqualTypeOf<'echo'>();
    // These would not compile: a wrong field, a wrong type, a job type that does not exist.
    // @ts-expect-error unknown field
    void (() => client.submit('sleep', { msx: 10 }));
    // @ts-expect-error wrong type
    void (() => client.submit('sleep', { ms: '10' }));
    // @ts-expect-error no such job type
    void (() => client.submit('resize', {}));
    // @ts-expect-error no such job type to list or redrive either
    void (() => client.list({ name: 'resize' }));
  });

  it('types results by job name', () => {
    expectTypeOf(client.wait({ id: 'x', name: 'flaky' as const })).resolves.toEqualTypeOf<Job<'flaky'>>();
    expectTypeOf<Job<'flaky'>['result']>().toEqualTypeOf<{ succeededOnAttempt: number } | null>();
    // A job read by id is any job type: narrowing on its name types its result.
    const narrow = (job: Job) => (job.name === 'sleep' ? job.result?.sleptMs : undefined);
    expectTypeOf(narrow).returns.toEqualTypeOf<number | undefined>();
    expectTypeOf(client.get('id')).resolves.toEqualTypeOf<Job>();
  });

  it('takes any name and input when made untyped (as the CLI is)', () => {
    const untyped = new JobsClient<UntypedJobTypes>({ url: 'http://localhost:3000' });
    expectTypeOf(untyped.submit).parameter(0).toEqualTypeOf<string>();
    expectTypeOf(untyped.submit).parameter(1).toEqualTypeOf<unknown>();
  });
});
