import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * Test mode: keys made for integration work (`mode` 'test') and the checks they send (`livemode` 0),
 * kept out of reports, history, shadow counts and back-tests, and purged after a week.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE api_keys ADD COLUMN mode TEXT NOT NULL DEFAULT 'live';
    ALTER TABLE checks ADD COLUMN livemode INTEGER NOT NULL DEFAULT 1;
    CREATE INDEX checks_test_by_time ON checks (occurred_at) WHERE livemode = 0;
  `);
}
