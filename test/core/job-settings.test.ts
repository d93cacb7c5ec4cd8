import { describe, expect, it } from 'vitest';
import { layerSettings, resolveJobSettings } from '../../lambdas/core/job-settings';

describe('resolveJobSettings in provisioned mode', () => {
  it('derives each lane ceiling as maximum pollers x 10, and the reservation from both', () => {
    expect(
      resolveJobSettings({
        kind: 'cpu',
        provisionedPollers: { minimum: 2, maximum: 30 },
        highPriorityProvisionedPollers: { minimum: 2, maximum: 4 },
      }),
    ).toMatchObject({ maxConcurrency: 300, highPriorityMaxConcurrency: 40, reservedConcurrency: 340 });
  });

  it('keeps a ceiling given alongside the pollers, for the config check to report', () => {
    expect(
      resolveJobSettings({ maxConcurrency: 7, provisionedPollers: { minimum: 2, maximum: 30 } }),
    ).toMatchObject({ maxConcurrency: 7 });
  });
});

describe('layerSettings', () => {
  const pollers = { minimum: 2, maximum: 10 };

  it('lets the highest layer that picks a lane mode win, field by field elsewhere', () => {
    const standard = resolveJobSettings(
      layerSettings({ provisionedPollers: pollers, batchSize: 5 }, { maxConcurrency: 9 }),
    );
    expect(standard).toMatchObject({ maxConcurrency: 9, batchSize: 5 });
    expect(standard.provisionedPollers).toBeUndefined();
    expect(
      resolveJobSettings(layerSettings({ maxConcurrency: 9 }, { provisionedPollers: pollers })),
    ).toMatchObject({
      maxConcurrency: 100,
      provisionedPollers: pollers,
    });
  });

  it('treats the two lanes independently', () => {
    const layered = layerSettings(
      { provisionedPollers: pollers, highPriorityMaxConcurrency: 5 },
      { highPriorityProvisionedPollers: pollers },
    );
    expect(resolveJobSettings(layered)).toMatchObject({
      maxConcurrency: 100,
      highPriorityMaxConcurrency: 100,
      provisionedPollers: pollers,
    });
  });

  it('keeps both when one layer sets both, and ignores layers that are absent', () => {
    expect(layerSettings(undefined, { maxConcurrency: 3, provisionedPollers: pollers })).toEqual({
      maxConcurrency: 3,
      provisionedPollers: pollers,
    });
  });
});
