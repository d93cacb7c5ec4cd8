import { describe, expect, it } from 'vitest';
import { resolveJobSettings } from '../../lambdas/core/job-settings';
import { LOCAL_PROVISIONED_CONCURRENCY_CAP, localLaneConcurrency } from '../../local/lane-concurrency';

describe('localLaneConcurrency', () => {
  it('runs standard mode at its maxConcurrency, as on AWS', () => {
    const settings = resolveJobSettings({ maxConcurrency: 7, highPriorityMaxConcurrency: 3 });
    expect(localLaneConcurrency(settings, 'normal')).toBe(7);
    expect(localLaneConcurrency(settings, 'highPriority')).toBe(3);
  });

  it('runs provisioned mode at maximum pollers x 10, lane by lane', () => {
    const settings = resolveJobSettings({
      provisionedPollers: { minimum: 2, maximum: 3 },
      highPriorityProvisionedPollers: { minimum: 2, maximum: 2 },
    });
    expect(localLaneConcurrency(settings, 'normal')).toBe(30);
    expect(localLaneConcurrency(settings, 'highPriority')).toBe(20);
  });

  it('caps a provisioned lane at the local limit', () => {
    const settings = resolveJobSettings({ provisionedPollers: { minimum: 2, maximum: 2000 } });
    expect(settings.maxConcurrency).toBe(20_000);
    expect(localLaneConcurrency(settings, 'normal')).toBe(LOCAL_PROVISIONED_CONCURRENCY_CAP);
    expect(LOCAL_PROVISIONED_CONCURRENCY_CAP).toBe(100);
  });
});
