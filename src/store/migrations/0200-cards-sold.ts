import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * The cards activated in a sale, and keys for the retailer's card processor.
 *
 * A card keeps its serial and activation id only sealed (AES-256-GCM, sealed by the service before it
 * reaches here) until the card retention runs out; `sealed` is then emptied and the brand, value and
 * last four characters stay for reports and cases. api_keys is rebuilt because SQLite cannot change a
 * CHECK constraint in place: the same columns, in the same order, with `processor` among the roles.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE api_keys_with_processors (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('till', 'supervisor', 'analyst', 'admin', 'processor')),
      store_ids TEXT,
      secret_hash TEXT NOT NULL UNIQUE,
      prefix TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      created_by TEXT NOT NULL,
      revoked_at INTEGER,
      mode TEXT NOT NULL DEFAULT 'live'
    ) STRICT;
    INSERT INTO api_keys_with_processors SELECT id, name, role, store_ids, secret_hash, prefix, created_at, created_by, revoked_at, mode FROM api_keys;
    DROP TABLE api_keys;
    ALTER TABLE api_keys_with_processors RENAME TO api_keys;

    CREATE TABLE check_cards (
      id TEXT PRIMARY KEY,
      check_id TEXT NOT NULL REFERENCES checks (id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      brand TEXT NOT NULL,
      amount INTEGER NOT NULL,
      serial_last4 TEXT,
      activation_last4 TEXT,
      sealed TEXT,
      recorded_at INTEGER NOT NULL,
      UNIQUE (check_id, position)
    ) STRICT;
    -- What the purge of sealed serials looks for: only cards still sealed.
    CREATE INDEX check_cards_sealed_by_time ON check_cards (recorded_at) WHERE sealed IS NOT NULL;
  `);
}
