import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Stack tests synthesize whole apps; on a 2-core machine 10 s is not enough.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report feeds the "N passed, N failed" line CI prints (.ci/run).
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-report.json' },
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      // Off outside Lambda anyway (no AWS_EXECUTION_ENV); explicit, so no test looks for a daemon.
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_DEV: 'false',
      AWS_REGION: 'us-east-1',
    },
  },
});
