import { defineConfig } from 'vitest/config';

// `npm run chaos`: fault-injection suites too slow or too timing-sensitive for every `npm test` on a
// shared 2-core machine (a database server stopped and started under two nodes).
export default defineConfig({
  test: {
    include: ['tests/chaos/**/*.test.ts'],
    testTimeout: 240_000,
  },
});
