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

type WindowRow = { [K in `${keyof typeof WINDOWS}_${keyof HistoryWindowFacts}`]: number } & {
  [K in `family_${keyof typeof FAMILY_WINDOWS}_${keyof FamilyWindowFacts}`]: number;
};

export interface CustomerHistory {
  personal: string[];
  windows: HistoryFacts | null;
}

export type HistoryRepository = ReturnType<typeof historyRepository>;

export function historyRepository(db: Database) {
  const windowColumns = Object.keys(WINDOWS)
    .map(
      (name) => `
      coalesce(sum(CASE WHEN r.at >= @${name} THEN c.stored_value END), 0) AS ${name}_storedValue,
      count(CASE WHEN r.at >= @${name} THEN 1 END) AS ${name}_checks,
      count(DISTINCT CASE WHEN r.at >= @${name} AND c.store_id != @storeId THEN c.store_id END) AS ${name}_stores,
      count(CASE WHEN r.at >= @${name} AND c.warned = 1 THEN 1 END) AS ${name}_prompted`,
    )
    .join(',');
  // A check with no named gift card has family '': it is no kind of card, so never the same kind.
  const familyColumns = Object.keys(FAMILY_WINDOWS)
    .map(
      (name) => `
      count(CASE WHEN r.at >= @family_${name} AND c.brand_family = @family AND @family != '' THEN 1 END) AS family_${name}_checks,
      count(DISTINCT CASE WHEN r.at >= @family_${name} AND c.brand_family = @family AND @family != '' THEN c.business_day END) AS family_${name}_days,
      coalesce(sum(CASE WHEN r.at >= @family_${name} AND c.brand_family = @family AND @family != '' THEN c.stored_value END), 0) AS family_${name}_storedValue`,
    )
    .join(',');
  // Times are where each check sits in history (the service's receive time), never the till's
  // clock. Each identifier is read back for at most its latest SHARED_AFTER_CHECKS checks: the cost
  // of a check does not grow with how often one identifier is used.
  const latest = (parameter: string) => `
    SELECT check_id, at FROM (
      SELECT check_id, at FROM check_identities
      WHERE identity = @${parameter} AND at >= @d30 AND at < @at
      ORDER BY at DESC LIMIT ${SHARED_AFTER_CHECKS}
    )`;
  const windows = db.prepare<Record<string, string | number>, WindowRow>(`
    WITH recent AS (
      SELECT check_id, max(at) AS at FROM (${latest('first')} UNION ALL ${latest('second')}) GROUP BY check_id
    )
    SELECT ${windowColumns}, ${familyColumns}
    FROM recent r JOIN checks c ON c.id = r.check_id
    WHERE c.id != @checkId AND c.stored_value > 0
  `);
  const spread = db.prepare<Record<string, string | number>, { checks: number; partners: number }>(`
    SELECT count(DISTINCT mine.check_id) AS checks, count(DISTINCT other.identity) AS partners
    FROM (${latest('identity')}) mine
    LEFT JOIN check_identities other ON other.check_id = mine.check_id AND other.identity != @identity
  `);

  const self = {
    /**
     * The customer's earlier checks (by any of their identity hashes) in the hour, day and 30 days
     * before `at`, and those of brand family `family` in 7 and 30 days, leaving out `checkId` itself
     * so a resent transaction never counts twice.
     */
    windows(identities: readonly string[], at: number, storeId: string, checkId: string, family = ''): HistoryFacts {
      const [first, second = first] = identities;
      if (first === undefined) throw new Error('history needs at least one identity');
      const row = windows.get({
        first,
        second: second!,
        at,
        storeId,
        checkId,
        h1: at - WINDOWS.h1,
        h24: at - WINDOWS.h24,
        d30: at - WINDOWS.d30,
        family,
        family_d7: at - FAMILY_WINDOWS.d7,
        family_d30: at - FAMILY_WINDOWS.d30,
      })!;
      const window = (name: keyof typeof WINDOWS): HistoryWindowFacts => ({
        storedValue: row[`${name}_storedValue`],
        checks: row[`${name}_checks`],
        stores: row[`${name}_stores`],
        prompted: row[`${name}_prompted`],
      });
      const sameFamily = (name: keyof typeof FAMILY_WINDOWS): FamilyWindowFacts => ({
        checks: row[`family_${name}_checks`],
        days: row[`family_${name}_days`],
        storedValue: row[`family_${name}_storedValue`],
      });
      return { h1: window('h1'), h24: window('h24'), d30: window('d30'), sameFamily: { d7: sameFamily('d7'), d30: sameFamily('d30') } };
    },

    /**
     * Whether an identifier is used by many people rather than one, judged on its 30 days before
     * `at`: SHARED_AFTER_CHECKS checks, or more than SHARED_AFTER_PARTNERS other identifiers beside it.
     */
    isShared(identity: string, at: number): boolean {
      const row = spread.get({ identity, at, d30: at - WINDOWS.d30 })!;
      return row.checks >= SHARED_AFTER_CHECKS || row.partners > SHARED_AFTER_PARTNERS;
    },

    /**
     * What a check needs of its customer's history, in one call: the identities that are theirs alone
     * (a shared one neither identifies nor counts), in the order given, and the windows of those
     * (null when none is).
     */
    customer(identities: readonly string[], at: number, storeId: string, checkId: string, family = ''): CustomerHistory {
      const personal = identities.filter((identity) => !self.isShared(identity, at));
      return { personal, windows: personal.length > 0 ? self.windows(personal, at, storeId, checkId, family) : null };
    },
  };
  return self;
}
