import type { Store } from '../store/index.js';

/** How long a test-mode check is kept: long enough to debug an integration, never long enough to matter. */
export const TEST_CHECK_LIFETIME_MS = 7 * 24 * 60 * 60_000;

/** Test checks deleted per background step: a few milliseconds of work, so a till never waits long behind it. */
const PURGE_BATCH = 100;

/**
 * One step of the running service's own purge: deletes up to a batch of test-mode checks more than a
 * week old, with everything recorded about them, in one transaction. Returns how many; a full batch
 * means more may be waiting for the next step.
 */
export function purgeExpiredTestChecks(store: Store, now: number, batch = PURGE_BATCH): Promise<number> {
  return store.transaction((tx) => tx.retention.deleteTestChecksBefore(now - TEST_CHECK_LIFETIME_MS, batch));
}
