import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

interface SchemaRow {
  type: string;
  name: string;
  sql: string;
}

/**
 * Test and live are two worlds. A transaction id is unique per store, business day and world, so a
 * test till reusing a live till's transaction id makes its own check instead of blocking the live one.
 * SQLite cannot change a table's UNIQUE constraint, so the table is rebuilt as in migration 0100
 * (foreign keys off, see `foreignKeysOff`), the CREATE statement the database's own with only the
 * constraint rewritten. A webhook endpoint belongs to the world of the key that made it, and receives
 * only that world's events; the endpoints made so far were made by live keys or for them.
 */
export function up(db: Database): void {
  const table = db.prepare<[], SchemaRow>("SELECT type, name, sql FROM sqlite_schema WHERE type = 'table' AND name = 'checks'").get();
  if (!table) throw new Error('the checks table is missing');
  const oldConstraint = /UNIQUE \(store_id, transaction_id, business_day\)/;
  if (!oldConstraint.test(table.sql)) throw new Error('the checks table does not have the expected UNIQUE (store_id, transaction_id, business_day)');
  const dependents = db
    .prepare<[], SchemaRow>("SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'checks' AND type IN ('index', 'trigger') AND sql IS NOT NULL")
    .all();
  const created = table.sql
    .replace(/^CREATE TABLE "?checks"?/, 'CREATE TABLE checks_rebuilt')
    .replace(oldConstraint, 'UNIQUE (store_id, livemode, transaction_id, business_day)');
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('checks')").all().map((row) => row.name);
  db.exec(created);
  db.exec(`
    INSERT INTO checks_rebuilt (${columns.join(', ')}) SELECT ${columns.join(', ')} FROM checks;
    DROP TABLE checks;
    ALTER TABLE checks_rebuilt RENAME TO checks;
  `);
  for (const dependent of dependents) db.exec(dependent.sql);
  db.exec('ALTER TABLE webhook_endpoints ADD COLUMN livemode INTEGER NOT NULL DEFAULT 1');
}
