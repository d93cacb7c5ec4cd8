import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/** Where the local system records every AWS call the suites make (git-ignored; cleared per run). */
const callRecords = fileURLToPath(new URL('./.call-records/', import.meta.url));
/** The permission contract: it checks the calls every other suite recorded, so it runs last. */
const permissionTests = 'test/permissions/**/*.test.ts';

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    // Clears the records of an earlier run, so only this run's calls count.
    globalSetup: ['test/support/call-records-setup.ts'],
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
      // Every local system a suite starts records its calls here (local/call-recorder.ts).
      ASYNC_ENDPOINTS_RECORD_CALLS: callRecords,
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'suites',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, permissionTests],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: { name: 'permissions', include: [permissionTests], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
