import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * Holds become reviews with an owner and a deadline, and supervisors get keys of their own.
 *
 * api_keys is rebuilt because SQLite cannot change a CHECK constraint in place: the same columns, in
 * the same order, with `supervisor` among the roles. A review lives beside its check and goes with it
 * when the check is purged.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE api_keys_with_supervisors (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('till', 'supervisor', 'analyst', 'admin')),
      store_ids TEXT,
      secret_hash TEXT NOT NULL UNIQUE,
      prefix TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      revoked_at INTEGER
    ) STRICT;
    INSERT INTO api_keys_with_supervisors SELECT id, name, role, store_ids, secret_hash, prefix, created_at, created_by, revoked_at FROM api_keys;
    DROP TABLE api_keys;
    ALTER TABLE api_keys_with_supervisors RENAME TO api_keys;

    CREATE TABLE reviews (
      check_id TEXT PRIMARY KEY REFERENCES checks (id) ON DELETE CASCADE,
      store_id TEXT NOT NULL,
      opened_at INTEGER NOT NULL,
      deadline INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('open', 'released', 'refused', 'expired')),
      closed_at INTEGER,
      closed_by TEXT CHECK (closed_by IN ('supervisor', 'decision', 'outcome', 'deadline')),
      supervisor_ref TEXT,
      closed_key_id TEXT,
      reason TEXT,
      CHECK ((status = 'open') = (closed_at IS NULL AND closed_by IS NULL))
    ) STRICT, WITHOUT ROWID;
    -- What a supervisor's handheld polls, and what the sweeper looks for.
    CREATE INDEX reviews_open_by_store ON reviews (store_id, opened_at) WHERE status = 'open';
    CREATE INDEX reviews_open_by_deadline ON reviews (deadline) WHERE status = 'open';
    -- Reports by period, for every store or some.
    CREATE INDEX reviews_by_opened ON reviews (opened_at);
    CREATE INDEX reviews_by_store_opened ON reviews (store_id, opened_at);
    CREATE INDEX reviews_by_store_closed ON reviews (store_id, closed_at) WHERE closed_at IS NOT NULL;
  `);
}
