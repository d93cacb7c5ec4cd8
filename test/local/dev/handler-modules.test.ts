import { describe, expect, it } from 'vitest';
import type { JobTypeDefinition } from '../../../lambdas/core/job-type';
import { checkSameJobTypes, type HandlerModules, startupModules } from '../../../local/dev/handler-modules';
import { ReloadRefusedError } from '../../../local/dev/reload-refused-error';

const withTypes = (jobTypes: readonly JobTypeDefinition[]): HandlerModules => ({
  ...startupModules,
  jobTypes,
});
const [echo, sleep, ...others] = startupModules.jobTypes as readonly JobTypeDefinition[];

describe('checkSameJobTypes', () => {
  it('accepts new code for the same job types with the same settings', () => {
    const fresh = withTypes(startupModules.jobTypes.map((type) => ({ ...type, handler: async () => ({}) })));
    expect(() => checkSameJobTypes(startupModules, fresh)).not.toThrow();
  });

  it('names every job type added, removed or re-configured, and asks for a restart', () => {
    if (!echo || !sleep) throw new Error('the catalog has echo and sleep');
    const next = withTypes([
      { ...echo, name: 'resize' },
      { ...sleep, settings: { ...sleep.settings, timeoutSeconds: 5 } },
      ...others,
    ]);
    let error: unknown;
    try {
      checkSameJobTypes(startupModules, next);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ReloadRefusedError);
    expect((error as ReloadRefusedError).change).toBe(
      'adds resize; removes echo; changes the settings of sleep',
    );
    expect((error as Error).message).toMatch(/Restart \(Ctrl-C, then npm run dev\)/);
  });
});
