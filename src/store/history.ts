import type { Database } from 'better-sqlite3';
import type { FamilyWindowFacts, HistoryFacts, HistoryWindowFacts } from '../contract/fact-schema.js';

const HOUR = 3_600_000;
export const WINDOWS = { h1: HOUR, h24: 24 * HOUR, d30: 30 * 24 * HOUR } as const;
/** The windows `history.sameFamily` counts visits in. */
export const FAMILY_WINDOWS = { d7: 7 * 24 * HOUR, d30: WINDOWS.d30 } as const;

/**
 * The most checks one identifier is read back for (its latest, in 30 days). One person does not buy
 * gift cards 200 times a month: an identifier that reaches this is shared (a store's "guest" loyalty
 * card), so a check never costs more than this however often the identifier is used.
 */
export const SHARED_AFTER_CHECKS = 200;
/**
 * Distinct other identifiers (payment cards with a loyalty id, loyalty ids with a card) seen beside
 * one identifier in 30 days before it counts as shared: a household shares a loyalty card among a
 * few cards, not among dozens.
 */
export const SHARED_AFTER_PARTNERS = 8;

export interface CustomerHistory {
  personal: string[];
  windows: HistoryFacts | null;
}

export type HistoryRepository = ReturnType<typeof historyRepository>;

/** One of an identifier's latest checks, with one other identifier beside it on that check (or null). */
interface RecentRow {
  check_id: string;
  at: number;
  stored_value: number;
  store_id: string;
  warned: number;
  brand_family: string;
  business_day: string;
  other: string | null;
}

type Recent = Map<string, { at: number; storedValue: number; storeId: string; warned: boolean; family: string; day: string }>;

export function historyRepository(db: Database) {
  // Times are where each check sits in history (the service's receive time), never the till's
  // clock. Each identifier is read back for at most its latest SHARED_AFTER_CHECKS checks: the cost
  // of a check does not grow with how often one identifier is used. One statement per identifier
  // gives both whether it is shared (its checks and the identifiers beside them) and its windows; the
  // counting is done here rather than in SQL, where the GROUP BY and count(DISTINCT) each needed a
  // temporary b-tree. The checks are read through checks_for_history (migration 0250), never the
  // table itself (named: the planner prefers the unique index on id, which leads to the table's
  // rows), so a lookup costs the same with a million checks as with none.
  const recent = db.prepare<{ identity: string; at: number; d30: number }, RecentRow>(`
    SELECT mine.check_id, mine.at, c.stored_value, c.store_id, c.warned, c.brand_family, c.business_day, other.identity AS other
    FROM (
      SELECT check_id, at FROM check_identities
      WHERE identity = @identity AND at >= @d30 AND at < @at
      ORDER BY at DESC LIMIT ${SHARED_AFTER_CHECKS}
    ) mine
    JOIN checks c INDEXED BY checks_for_history ON c.id = mine.check_id
    LEFT JOIN check_identities other ON other.check_id = mine.check_id AND other.identity != @identity
  `);
  // Most customers buying a card have no check in the last 30 days: one probe of the identity's key
  // says so at a fifth of the cost of the whole statement, which joins and orders nothing then.
  const seen = db.prepare<{ identity: string; at: number; d30: number }, 1>('SELECT 1 FROM check_identities WHERE identity = @identity AND at >= @d30 AND at < @at LIMIT 1').pluck();
  const read = (identity: string, at: number): RecentRow[] => {
    const window = { identity, at, d30: at - WINDOWS.d30 };
    return seen.get(window) === undefined ? [] : recent.all(window);
  };

  const shared = (rows: readonly RecentRow[]): boolean => {
    const checks = new Set<string>();
    const partners = new Set<string>();
    for (const row of rows) {
      checks.add(row.check_id);
      if (row.other !== null) partners.add(row.other);
    }
    return checks.size >= SHARED_AFTER_CHECKS || partners.size > SHARED_AFTER_PARTNERS;
  };

  // A check found by two identifiers counts once, where the later of them puts it.
  const merge = (into: Recent, rows: readonly RecentRow[], checkId: string): Recent => {
    for (const row of rows) {
      if (row.check_id === checkId || row.stored_value <= 0) continue;
      const seen = into.get(row.check_id);
      if (!seen) into.set(row.check_id, { at: row.at, storedValue: row.stored_value, storeId: row.store_id, warned: row.warned === 1, family: row.brand_family, day: row.business_day });
      else if (row.at > seen.at) seen.at = row.at;
    }
    return into;
  };

  const facts = (checks: Recent, at: number, storeId: string, family: string): HistoryFacts => {
    const window = (name: keyof typeof WINDOWS): HistoryWindowFacts => {
      const since = at - WINDOWS[name];
      const stores = new Set<string>();
      let storedValue = 0;
      let count = 0;
      let prompted = 0;
      for (const check of checks.values()) {
        if (check.at < since) continue;
        storedValue += check.storedValue;
        count += 1;
        if (check.warned) prompted += 1;
        if (check.storeId !== storeId) stores.add(check.storeId);
      }
      return { storedValue, checks: count, stores: stores.size, prompted };
    };
    // A check with no named gift card has family '': it is no kind of card, so never the same kind.
    const sameFamily = (name: keyof typeof FAMILY_WINDOWS): FamilyWindowFacts => {
      const since = at - FAMILY_WINDOWS[name];
      const days = new Set<string>();
      let storedValue = 0;
      let count = 0;
      if (family !== '') {
        for (const check of checks.values()) {
          if (check.at < since || check.family !== family) continue;
          storedValue += check.storedValue;
          count += 1;
          days.add(check.day);
        }
      }
      return { checks: count, days: days.size, storedValue };
    };
    return { h1: window('h1'), h24: window('h24'), d30: window('d30'), sameFamily: { d7: sameFamily('d7'), d30: sameFamily('d30') } };
  };

  const self = {
    /**
     * The customer's earlier checks (by any of their identity hashes) in the hour, day and 30 days
     * before `at`, and those of brand family `family` in 7 and 30 days, leaving out `checkId` itself
     * so a resent transaction never counts twice.
     */
    windows(identities: readonly string[], at: number, storeId: string, checkId: string, family = ''): HistoryFacts {
      if (identities.length === 0) throw new Error('history needs at least one identity');
      const checks: Recent = new Map();
      for (const identity of new Set(identities)) merge(checks, read(identity, at), checkId);
      return facts(checks, at, storeId, family);
    },

    /**
     * Whether an identifier is used by many people rather than one, judged on its 30 days before
     * `at`: SHARED_AFTER_CHECKS checks, or more than SHARED_AFTER_PARTNERS other identifiers beside it.
     */
    isShared(identity: string, at: number): boolean {
      return shared(read(identity, at));
    },

    /**
     * What a check needs of its customer's history, in one call: the identities that are theirs alone
     * (a shared one neither identifies nor counts), in the order given, and the windows of those
     * (null when none is). Each identity is read once.
     */
    customer(identities: readonly string[], at: number, storeId: string, checkId: string, family = ''): CustomerHistory {
      const personal: string[] = [];
      const checks: Recent = new Map();
      for (const identity of identities) {
        const rows = read(identity, at);
        if (shared(rows)) continue;
        personal.push(identity);
        merge(checks, rows, checkId);
      }
      return { personal, windows: personal.length > 0 ? facts(checks, at, storeId, family) : null };
    },
  };
  return self;
}
