import { defineConfig } from 'vitest/config';

// `npm run chaos` (tests/chaos/run.ts starts it): fault-injection suites too slow or too
// timing-sensitive for every `npm test` on a shared 2-core machine (a PostgreSQL server restarted
// under two nodes' load, nodes started together on a new database). One file at a time, so that one
// suite's load does not stretch the other's outages. VOUCHSAFE_CHAOS_SHORT=1: fewer rounds of each.
export default defineConfig({
  test: {
    include: ['tests/chaos/**/*.test.ts'],
    testTimeout: 240_000,
    fileParallelism: false,
  },
});
