// `npm run test:reliability`: the long cases (fuzzing ≥ 10,000 requests, log scan), on the same
// stand-ins as `npm test` (which leaves test/reliability out).
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

export default defineConfig({
  test: {
    ...base.test,
    include: ['test/reliability/**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 60 * 60_000,
  },
});
