import { describe, expect, it } from 'vitest';
import { readOutputSettings } from '../../../local/observability/log-format';

describe('readOutputSettings', () => {
  it('is pretty on a terminal and JSON otherwise, collecting metrics, by default', () => {
    expect(readOutputSettings([], {}, true)).toEqual({
      logFormat: 'pretty',
      colour: true,
      collectMetrics: true,
      rawEmf: false,
    });
    expect(readOutputSettings([], {}, false)).toEqual({
      logFormat: 'json',
      colour: false,
      collectMetrics: true,
      rawEmf: false,
    });
  });

  it('takes the format from the environment, and a flag over it', () => {
    expect(readOutputSettings([], { ASYNC_ENDPOINTS_LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(readOutputSettings([], { ASYNC_ENDPOINTS_LOG_FORMAT: 'pretty' }, false).logFormat).toBe('pretty');
    const env = { ASYNC_ENDPOINTS_LOG_FORMAT: 'json' };
    expect(readOutputSettings(['--log-format', 'pretty'], env, false).logFormat).toBe('pretty');
    expect(readOutputSettings(['--fresh', '--log-format=pretty'], env, false).logFormat).toBe('pretty');
  });

  it('prints raw EMF when asked, and collects nothing when metrics are disabled', () => {
    expect(readOutputSettings(['--raw-emf'], {}, false).rawEmf).toBe(true);
    expect(readOutputSettings([], { ASYNC_ENDPOINTS_RAW_EMF: 'true' }, false).rawEmf).toBe(true);
    expect(readOutputSettings([], { POWERTOOLS_METRICS_DISABLED: 'TRUE' }, false).collectMetrics).toBe(false);
  });

  it('drops the colour when NO_COLOR is set, and is never coloured off a terminal', () => {
    expect(readOutputSettings([], { NO_COLOR: '1' }, true).colour).toBe(false);
    expect(readOutputSettings(['--log-format', 'pretty'], {}, false).colour).toBe(false);
  });

  it('names every bad value in one error', () => {
    expect(() => readOutputSettings(['--log-format'], { ASYNC_ENDPOINTS_LOG_FORMAT: 'loud' }, true)).toThrow(
      /--log-format needs a value: pretty or json\n- ASYNC_ENDPOINTS_LOG_FORMAT must be pretty, json or auto, got 'loud'/,
    );
    expect(() => readOutputSettings(['--log-format=yaml'], {}, true)).toThrow(
      "--log-format must be pretty, json or auto, got 'yaml'",
    );
  });
});
