import { describe, expect, it } from 'vitest';
import { EnvReader } from '../../lambdas/runtime-config';
import { Env } from '../../lambdas/runtime-env';
import { bakedStageManifest, readStageManifest } from '../../lambdas/stage-manifest';

/** What `env.done()` reports, or [] when it does not throw. */
function problems(env: EnvReader): readonly string[] {
  try {
    env.done();
    return [];
  } catch (error) {
    return (error as { problems: readonly string[] }).problems;
  }
}

describe('readStageManifest', () => {
  it('reads nothing baked when the code runs unbundled', () => {
    expect(bakedStageManifest()).toBeUndefined();
  });

  it('prefers the baked manifest to the environment', () => {
    const env = new EnvReader({ [Env.StageManifest]: '{"lanes":{"env":true}}' });
    expect(readStageManifest(env, ['lanes'], { lanes: { baked: false } })).toEqual({
      lanes: { baked: false },
    });
    expect(problems(env)).toEqual([]);
  });

  it('reads STAGE_MANIFEST when nothing was baked, only the fields asked for', () => {
    const env = new EnvReader({
      [Env.StageManifest]: JSON.stringify({ pollIntervals: { echo: 2 }, lanes: { echo: true } }),
    });
    expect(readStageManifest(env, ['pollIntervals'], undefined)).toEqual({ pollIntervals: { echo: 2 } });
    expect(problems(env)).toEqual([]);
  });

  it('names a missing manifest, a missing field and each malformed entry, reading them as empty', () => {
    const missing = new EnvReader({});
    expect(readStageManifest(missing, ['lanes'], undefined)).toEqual({ lanes: {} });
    expect(problems(missing)).toEqual([
      `${Env.StageManifest} is not set, and no stage manifest was baked into this bundle`,
    ]);

    const bad = new EnvReader({});
    readStageManifest(bad, ['lanes', 'staleAfterSeconds', 'settings'], {
      lanes: { echo: 'yes', sleep: true },
      staleAfterSeconds: { echo: -1 },
    });
    expect(problems(bad)).toEqual([
      "the stage manifest baked into this bundle: 'lanes' of 'echo' must be a boolean",
      "the stage manifest baked into this bundle: 'staleAfterSeconds' of 'echo' must be a positive number",
      "the stage manifest baked into this bundle lacks 'settings' (an object by job name)",
    ]);

    const notJson = new EnvReader({ [Env.StageManifest]: '[1]' });
    readStageManifest(notJson, ['lanes'], undefined);
    expect(problems(notJson)).toEqual([`${Env.StageManifest} must be a JSON object`]);
  });
});
