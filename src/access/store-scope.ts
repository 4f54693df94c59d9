import { DomainError } from '../errors.js';
import { addLogContext } from '../log.js';
import type { Principal } from './api-keys.js';
import { inWorldOf, type Moded } from './mode-scope.js';

/** Whether a key may act for a store: a key bound to stores acts only for those. */
export function canActFor(principal: Principal, storeId: string): boolean {
  return principal.storeIds === null || principal.storeIds.includes(storeId);
}

/**
 * Whether a key may act for the one store a request is about; if so, the request's log lines (its
 * access log line too) name that store from here on, so an operator can follow one shop's tills.
 */
export function actsFor(principal: Principal, storeId: string): boolean {
  if (!canActFor(principal, storeId)) return false;
  addLogContext({ storeId });
  return true;
}

/**
 * Whether a key may see a record of a store: its store is one the key acts for, and it is in the key's
 * world (test or live). Anything else is answered as missing.
 */
export function canSee(principal: Principal, record: Moded & { readonly storeId: string }): boolean {
  return canActFor(principal, record.storeId) && inWorldOf(principal, record);
}

/** A till key acts only for its own stores; an analyst key may be limited to some stores. */
export function assertStore(principal: Principal, storeId: string): void {
  if (!actsFor(principal, storeId)) throw new DomainError('store_forbidden', `This key may not act for store ${storeId}`);
}

/**
 * Whether a key may act on a check: one of its world, in its stores, and for a till token one of its
 * till. Anything else is answered as missing.
 */
export function canActOnCheck(principal: Principal, check: Moded & { readonly storeId: string; readonly tillId: string }): boolean {
  return inWorldOf(principal, check) && (principal.token === undefined || principal.token.tillId === check.tillId) && actsFor(principal, check.storeId);
}

/** A till token acts for its own till only (and its store only, like a key bound to stores). */
export function assertTill(principal: Principal, storeId: string, tillId: string): void {
  assertStore(principal, storeId);
  if (principal.token && principal.token.tillId !== tillId) {
    throw new DomainError('till_forbidden', `This till token is for till ${principal.token.tillId}, not ${tillId}`);
  }
}

/** What a list may show a key: the stores it covers (null: every store) and the one world of the key. */
export interface Scope {
  readonly storeIds: string[] | null;
  readonly livemode: boolean;
}

/** The scope of a list for a key: `storeScope`'s stores, in the key's own world. */
export function listScope(principal: Principal, requested: readonly string[] | undefined): Scope {
  return { storeIds: storeScope(principal, requested), livemode: principal.livemode };
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
