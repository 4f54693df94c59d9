import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * What a history lookup reads of each earlier check, in an index of its own: with a million checks
 * the table's rows are far apart and mostly out of the cache, and a lookup that visits them costs
 * several times what it does on a new database; this index is a fraction of the table's size.
 */
export function up(db: Database): void {
  db.exec('CREATE INDEX checks_for_history ON checks (id, stored_value, store_id, warned, brand_family, business_day)');
}
