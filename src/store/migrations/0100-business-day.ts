import type { Database } from 'better-sqlite3';
import { businessDay } from '../../engine/business-day.js';

// Frozen once released: it spells out its own SQL.

interface SchemaRow {
  type: string;
  name: string;
  sql: string;
}

/**
 * A transaction id is unique per store and business day, not forever: tills that restart their
 * numbering each morning reuse yesterday's ids. SQLite cannot drop a table's UNIQUE constraint, so
 * the table is rebuilt (SQLite's documented twelve steps; runs with foreign keys off, see
 * `foreignKeysOff`). The CREATE statement is the one in the database with only the constraint
 * rewritten, so columns other migrations added survive; indexes and triggers are made again as they were.
 */
export function up(db: Database, { timeZone }: { timeZone: string }): void {
  const table = db.prepare<[], SchemaRow>("SELECT type, name, sql FROM sqlite_schema WHERE type = 'table' AND name = 'checks'").get();
  if (!table) throw new Error('the checks table is missing');
  const oldConstraint = /UNIQUE \(store_id, transaction_id\)/;
  if (!oldConstraint.test(table.sql)) throw new Error('the checks table does not have the expected UNIQUE (store_id, transaction_id)');
  const dependents = db
    .prepare<[], SchemaRow>("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'checks' AND type IN ('index', 'trigger') AND sql IS NOT NULL")
    .all();

  db.function('vouchsafe_business_day', { deterministic: true }, (ms: unknown) => businessDay(Number(ms), timeZone));
  const created = table.sql
    .replace(/^CREATE TABLE "?checks"?/, 'CREATE TABLE checks_rebuilt')
    .replace(oldConstraint, 'business_day TEXT NOT NULL,\n      UNIQUE (store_id, transaction_id, business_day)');
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('checks')").all().map((row) => row.name);
  db.exec(created);
  db.exec(`
    INSERT INTO checks_rebuilt (${columns.join(', ')}, business_day)
    SELECT ${columns.join(', ')}, vouchsafe_business_day(occurred_at) FROM checks;
    DROP TABLE checks;
    ALTER TABLE checks_rebuilt RENAME TO checks;
  `);
  for (const dependent of dependents) db.exec(dependent.sql);
}
