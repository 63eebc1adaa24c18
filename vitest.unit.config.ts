// `npm run test:unit`: the pure tests under test/unit, with no global setup — no Java and no
// stand-in is started. A test that needs a stand-in belongs in test/integration.
import { defineConfig } from 'vitest/config';
import base from './vitest.config';

export default defineConfig({
  test: {
    ...base.test,
    include: ['test/unit/**/*.test.ts'],
    globalSetup: [],
  },
});
