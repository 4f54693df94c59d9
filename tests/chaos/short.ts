/**
 * `npm run chaos -- --short` (VOUCHSAFE_CHAOS_SHORT=1 for the suites it runs): every scenario, fewer
 * rounds of each, for CI.
 */
export const chaosShort = process.env.VOUCHSAFE_CHAOS_SHORT === '1';
