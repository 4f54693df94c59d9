import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * What the retailers' exchange said when a check was decided (its status and the network facts),
 * per evaluation: the decision records whether the exchange answered in time, and a back-test sees
 * the facts as they were. NULL for evaluations made before, or without an exchange.
 */
export function up(db: Database): void {
  db.exec('ALTER TABLE evaluations ADD COLUMN network TEXT');
}
