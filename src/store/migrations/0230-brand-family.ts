import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * The brand family of each check's gift cards, so history counts visits for the same kind of card
 * (`history.sameFamily`). Checks stored before it have none ('') and count from the upgrade on: a
 * family decided now from old baskets would freeze today's family list into the migration.
 */
export function up(db: Database): void {
  db.exec("ALTER TABLE checks ADD COLUMN brand_family TEXT NOT NULL DEFAULT ''");
}
