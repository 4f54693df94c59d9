import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/** Responses remembered under a client's `Idempotency-Key`, per API key, for replay. */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE idempotency_keys (
      key_id TEXT NOT NULL,
      idempotency_key TEXT NOT NULL,
      request_fingerprint TEXT NOT NULL,
      status INTEGER NOT NULL,
      headers TEXT NOT NULL,
      body TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (key_id, idempotency_key)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
  `);
}
