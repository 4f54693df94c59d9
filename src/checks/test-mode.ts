/** How long a test-mode check is kept: long enough to debug an integration, never long enough to matter. */
export const TEST_CHECK_LIFETIME_MS = 7 * 24 * 60 * 60_000;
