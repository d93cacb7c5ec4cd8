/**
 * Real EMF documents, as Powertools Metrics writes them: runs `publish` with metrics enabled
 * and returns the documents it wrote to stdout (nothing reaches the terminal).
 */
import { vi } from 'vitest';
import { isEmfDocument } from '../../local/metrics/emf';

/** Runs `publish` (which builds its `Metrics`) and returns the EMF documents it printed. */
export function captureEmf(publish: () => void): Record<string, unknown>[] {
  // Metrics read the switch when built; the test run turns metrics off (vitest.config.mts).
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n'));
    return true;
  });
  try {
    publish();
  } finally {
    write.mockRestore();
    vi.unstubAllEnvs();
  }
  return lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as unknown)
    .filter(isEmfDocument);
}
