import { describe, expect, it } from 'vitest';
import { loadLocalConfig, mergeConfig } from '../../local/local-config';

describe('mergeConfig', () => {
  it('merges job types field by field', () => {
    expect(
      mergeConfig(
        { jobTypes: { echo: { batchSize: 5, maxRetries: 1 } } },
        { jobTypes: { echo: { maxRetries: 2 } } },
      ),
    ).toMatchObject({ jobTypes: { echo: { batchSize: 5, maxRetries: 2 } } });
  });

  it("lets the local entry pick a lane's mode over cdk.json's", () => {
    const base = { jobTypes: { echo: { provisionedPollers: { minimum: 2, maximum: 50 }, batchSize: 5 } } };
    const merged = mergeConfig(base, { jobTypes: { echo: { maxConcurrency: 3 } } });
    expect((merged.jobTypes as Record<string, unknown>).echo).toEqual({ maxConcurrency: 3, batchSize: 5 });
  });

  it('resolves layered local overrides that switch a lane back to standard mode', () => {
    const env = {
      ASYNC_ENDPOINTS_LOCAL: JSON.stringify({
        jobTypes: { echo: { provisionedPollers: { minimum: 2, maximum: 4 } } },
      }),
    };
    expect(loadLocalConfig({}, env).jobTypes.find((j) => j.name === 'echo')?.settings.maxConcurrency).toBe(
      40,
    );
    const echo = loadLocalConfig({ jobTypes: { echo: { maxConcurrency: 3 } } }, env).jobTypes.find(
      (j) => j.name === 'echo',
    );
    expect(echo?.settings).toMatchObject({ maxConcurrency: 3, reservedConcurrency: 3 });
    expect(echo?.settings.provisionedPollers).toBeUndefined();
  });
});
