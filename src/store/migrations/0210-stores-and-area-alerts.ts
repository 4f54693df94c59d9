import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * Stores as records (time zone, language, currency, where they are), the store ids tills sent that
 * the registry lacked, and area alerts: a scam stopped at one store, raising the guard at stores
 * near it until it expires. One alert per check at most. An evaluation records the alerts it saw.
 */
export function up(db: Database): void {
  db.exec(`
    CREATE TABLE stores (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      time_zone TEXT NOT NULL,
      locale TEXT NOT NULL,
      currency TEXT NOT NULL,
      lat REAL,
      lon REAL,
      district TEXT,
      source TEXT NOT NULL CHECK (source IN ('api', 'file')),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      CHECK ((lat IS NULL) = (lon IS NULL))
    ) STRICT;
    CREATE TABLE unknown_stores (
      store_id TEXT PRIMARY KEY,
      first_seen_at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE area_alerts (
      id TEXT PRIMARY KEY,
      store_id TEXT NOT NULL,
      check_id TEXT UNIQUE,
      reason TEXT NOT NULL,
      livemode INTEGER NOT NULL,
      raised_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      radius_km REAL NOT NULL,
      lat REAL,
      lon REAL,
      district TEXT,
      brands TEXT NOT NULL,
      currency TEXT NOT NULL,
      value_band TEXT NOT NULL
    ) STRICT;
    CREATE INDEX area_alerts_live ON area_alerts (livemode, expires_at);
    CREATE INDEX area_alerts_raised ON area_alerts (raised_at);
    ALTER TABLE evaluations ADD COLUMN area TEXT;
  `);
}
