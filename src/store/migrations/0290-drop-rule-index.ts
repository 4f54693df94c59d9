import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * Drops `check_rules_by_rule` (rule_id, shadow): no statement reads it (rule hits are counted from the
 * checks of a period, found by time, and each check's rules by its own key), yet every matched rule of
 * every check wrote it, a page or more in each group commit.
 */
export function up(db: Database): void {
  db.exec('DROP INDEX check_rules_by_rule');
}
