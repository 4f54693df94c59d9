import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * History windows count on the service's receive time, not the till's clock: a till whose clock is
 * slow, fast or stepped back no longer hides a customer's earlier checks. `checks.history_at` is
 * where a check sits in its customer's history (NULL: when it was received); the identity rows
 * carry the same time. Each evaluation keeps the fingerprint of the request it decided, so a late
 * retry of an older basket is recognised. `meta` holds facts about the database itself, such as the
 * fingerprint of the identity secret it was written with.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE checks ADD COLUMN history_at INTEGER;
    ALTER TABLE evaluations ADD COLUMN request_fingerprint TEXT;

    CREATE TABLE check_identities_by_receipt (
      identity TEXT NOT NULL,
      at INTEGER NOT NULL,
      check_id TEXT NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
      PRIMARY KEY (identity, at, check_id)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO check_identities_by_receipt (identity, at, check_id)
      SELECT ci.identity, c.received_at, ci.check_id FROM check_identities ci JOIN checks c ON c.id = ci.check_id;
    DROP TABLE check_identities;
    ALTER TABLE check_identities_by_receipt RENAME TO check_identities;
    CREATE INDEX check_identities_by_check ON check_identities (check_id);

    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;
  `);
}
