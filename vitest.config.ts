import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'test/reliability/**', 'node_modules/**'],
    globalSetup: ['test/setup/global.ts'],
    setupFiles: ['test/setup/each.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // No local daily sweep at 09:00 Shanghai in the middle of a run (infra/local/notify-pipeline.ts).
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_DEV: 'true', LOCAL_DAILY_SWEEP: 'off' },
  },
});
