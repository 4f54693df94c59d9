import type { Database } from 'better-sqlite3';

// Frozen once released: it spells out its own SQL.

/**
 * Area alerts between retailers. A live alert raised at a member's store waits to be shared with the
 * exchange (`exchange_state` 'pending', then 'shared' with the exchange's id for it), so an alert raised
 * while the exchange is down goes once it is back; `exchange_value_band` is the exchange's band of the
 * basket, finer than the alert's own. Other members' alerts, relayed by the exchange for this member's
 * districts, are kept apart: they name a district, not a store or a point.
 */
export function up(db: Database): void {
  db.exec(`
    ALTER TABLE area_alerts ADD COLUMN exchange_state TEXT CHECK (exchange_state IN ('pending', 'shared'));
    ALTER TABLE area_alerts ADD COLUMN exchange_id TEXT;
    ALTER TABLE area_alerts ADD COLUMN exchange_value_band TEXT;
    CREATE INDEX area_alerts_to_share ON area_alerts (expires_at) WHERE exchange_state = 'pending';
    CREATE TABLE relayed_area_alerts (
      id TEXT PRIMARY KEY,
      district TEXT NOT NULL,
      raised_at INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      brands TEXT NOT NULL,
      value_band TEXT NOT NULL,
      action TEXT NOT NULL
    ) STRICT;
    CREATE INDEX relayed_area_alerts_live ON relayed_area_alerts (district, expires_at);
    CREATE INDEX relayed_area_alerts_received ON relayed_area_alerts (received_at);
  `);
}
