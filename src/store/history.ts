import type { Database } from 'better-sqlite3';
import type { HistoryFacts, HistoryWindowFacts } from '../contract/fact-schema.js';

const HOUR = 3_600_000;
const WINDOWS = { h1: HOUR, h24: 24 * HOUR, d30: 30 * 24 * HOUR } as const;

type WindowRow = { [K in `${keyof typeof WINDOWS}_${keyof HistoryWindowFacts}`]: number };

export type HistoryRepository = ReturnType<typeof historyRepository>;

export function historyRepository(db: Database) {
  const windowColumns = Object.keys(WINDOWS)
    .map(
      (name) => `
      coalesce(sum(CASE WHEN c.occurred_at >= @${name} THEN c.stored_value END), 0) AS ${name}_storedValue,
      count(CASE WHEN c.occurred_at >= @${name} THEN 1 END) AS ${name}_checks,
      count(DISTINCT CASE WHEN c.occurred_at >= @${name} AND c.store_id != @storeId THEN c.store_id END) AS ${name}_stores,
      count(CASE WHEN c.occurred_at >= @${name} AND c.warned = 1 THEN 1 END) AS ${name}_prompted`,
    )
    .join(',');
  // The identity index bounds the scan to one customer's last 30 days, whatever the table's size.
  const windows = db.prepare<Record<string, string | number>, WindowRow>(`
    SELECT ${windowColumns}
    FROM checks c
    WHERE c.id IN (
        SELECT check_id FROM check_identities
        WHERE identity IN (@first, @second) AND occurred_at >= @d30 AND occurred_at < @at
      )
      AND c.id != @checkId
      AND c.stored_value > 0
  `);

  return {
    /**
     * The customer's earlier checks (by any of their identity hashes) in the hour, day and 30 days
     * before `at`, leaving out `checkId` itself so a resent transaction never counts twice.
     */
    windows(identities: readonly string[], at: number, storeId: string, checkId: string): HistoryFacts {
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
      })!;
      const window = (name: keyof typeof WINDOWS): HistoryWindowFacts => ({
        storedValue: row[`${name}_storedValue`],
        checks: row[`${name}_checks`],
        stores: row[`${name}_stores`],
        prompted: row[`${name}_prompted`],
      });
      return { h1: window('h1'), h24: window('h24'), d30: window('d30') };
    },
  };
}
