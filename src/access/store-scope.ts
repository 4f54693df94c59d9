import { DomainError } from '../errors.js';
import type { Principal } from './api-keys.js';

/** Whether a key may act for a store: a key bound to stores acts only for those. */
export function canActFor(principal: Principal, storeId: string): boolean {
  return principal.storeIds === null || principal.storeIds.includes(storeId);
}

/** A till key acts only for its own stores; an analyst key may be limited to some stores. */
export function assertStore(principal: Principal, storeId: string): void {
  if (!canActFor(principal, storeId)) throw new DomainError('store_forbidden', `This key may not act for store ${storeId}`);
}

/** Whether a key may act on a check: one in its stores, and for a till token one of its till. */
export function canActOnCheck(principal: Principal, check: { storeId: string; tillId: string }): boolean {
  return canActFor(principal, check.storeId) && (principal.token === undefined || principal.token.tillId === check.tillId);
}

/** A till token acts for its own till only (and its store only, like a key bound to stores). */
export function assertTill(principal: Principal, storeId: string, tillId: string): void {
  assertStore(principal, storeId);
  if (principal.token && principal.token.tillId !== tillId) {
    throw new DomainError('till_forbidden', `This till token is for till ${principal.token.tillId}, not ${tillId}`);
  }
}

/**
 * The stores a report covers (null: every store). Asked-for stores must all be ones the key may see;
 * with none asked for, a key limited to some stores sees just those.
 */
export function storeScope(principal: Principal, requested: readonly string[] | undefined): string[] | null {
  if (requested === undefined || requested.length === 0) return principal.storeIds === null ? null : [...principal.storeIds].sort();
  const forbidden = requested.filter((storeId) => !canActFor(principal, storeId));
  if (forbidden.length > 0) throw new DomainError('store_forbidden', `This key may not see store ${[...new Set(forbidden)].join(', ')}`);
  return [...new Set(requested)].sort();
}
