import { DomainError } from '../errors.js';
import type { Principal } from './api-keys.js';

/**
 * Test and live are two worlds. A test key (`vsk_test_…`) sees and changes only test data, a live key
 * only live data: a check, a hold, a webhook of the other world is answered as missing, so its
 * existence does not leak. What has no test counterpart (reports, the dashboard, shadow counts,
 * back-tests, the audit log, changes to the one rule set) is for live keys only.
 */
export interface Moded {
  readonly livemode: boolean;
}

/** Whether a record is in the key's world. */
export function inWorldOf(principal: Pick<Principal, 'livemode'>, record: Moded): boolean {
  return principal.livemode === record.livemode;
}

/** Refuses a test key what only a live key may do. */
export function assertLive(principal: Pick<Principal, 'livemode'>, what: string): void {
  if (!principal.livemode) throw new DomainError('live_key_required', `${what} is for live keys only; this is a test key (vsk_test_…)`);
}
