import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'sdk/**/*.test.ts'],
    exclude: ['tests/bench/**', 'tests/chaos/**', 'node_modules/**'],
    testTimeout: 20_000,
    // One PostgreSQL server for the run (or a notice that its tests are skipped).
    globalSetup: ['tests/setup/postgres.global.ts'],
  },
});
