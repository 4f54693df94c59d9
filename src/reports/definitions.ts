import type { Outcome } from '../contract/enums.js';

/**
 * The report definitions for one check, for row-level exports. The daily roll-ups compute the same in
 * SQL (migration 0040); the tests hold the two to each other.
 */
interface Decided {
  warned: boolean;
  outcome: Outcome | null;
  storedValue: number;
}

/** Vouchsafe warned and the sale did not go ahead. */
export function isStop({ warned, outcome }: Decided): boolean {
  return warned && (outcome === 'scam_confirmed' || outcome === 'refused' || outcome === 'abandoned');
}

/** Stored value kept from a scammer: refused or confirmed scams, and walk-aways after a warning. */
export function valueProtected(check: Decided): number {
  const { warned, outcome, storedValue } = check;
  return outcome === 'scam_confirmed' || outcome === 'refused' || (warned && outcome === 'abandoned') ? storedValue : 0;
}
